import { isDeepStrictEqual } from 'node:util';
import { CohortCache } from '@cvf/cache';
import {
  expectedDocuments,
  newCustomerPayment,
  portfolioHistory,
  SyntheticLog,
} from '@cvf/cache/testing';
import { type AppProcess, eventually } from '@cvf/platform/testing';
import { startWorkerFleet, type WorkerFleet } from './testing/worker-fleet';

// The built worker in its own processes against real PostgreSQL and Redis: health,
// convergence of the cache to the engine's numbers, a SIGKILL mid-job, a bounded SIGTERM.
// Three workers start at once; each failure test takes down the one holding the job and
// another one must finish the work.

jest.setTimeout(30_000);

const log = new SyntheticLog();
const history = portfolioHistory('acme', { payments: 200 });
let fleet: WorkerFleet;
let cache: CohortCache;

async function converged(): Promise<boolean> {
  for (const [view, document] of expectedDocuments(history)) {
    const cached = await cache.readRollup('acme', view);
    if (!cached || !isDeepStrictEqual(cached.document, document)) return false;
  }
  return (await fleet.redis.hlen(fleet.keys.dirty('acme'))) === 0;
}
/**
 * New payments projected, then the read model locked, then the job scheduled: it starts and
 * blocks. Returns the lock and the worker process running the job.
 */
async function stuckJob(
  paymentId: string,
  monthOffset: number,
): Promise<{ lock: { release(): Promise<void> }; holder: AppProcess }> {
  newCustomerPayment(history, paymentId, monthOffset, 55_500);
  const batch = await fleet.env.apply(history.take(log));
  const lock = await fleet.lockReadModel();
  await fleet.scheduler.schedule(batch.dirty);
  return { lock, holder: await fleet.holderOfActiveJob() };
}

beforeAll(async () => {
  fleet = await startWorkerFleet('worker', 3, { WORKER_SHUTDOWN_TIMEOUT_MS: '300' });
  cache = new CohortCache(fleet.redis, fleet.keys, 600);
});
afterAll(() => fleet?.close());

describe('worker process', () => {
  it('answers /health/live, and /health/ready after checking Redis, PostgreSQL and the worker', async () => {
    const worker = fleet.workers[0]!;
    expect(await worker.get('/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await worker.get('/health/ready')).toMatchObject({
      status: 200,
      body: {
        status: 'ok',
        info: { redis: { status: 'up' }, postgresql: { status: 'up' }, worker: { status: 'up' } },
      },
    });
  });

  it('given scheduled cohorts, then the cache converges to the engine numbers', async () => {
    const batch = await fleet.env.apply(history.take(log));
    await fleet.scheduler.schedule(batch.dirty);
    await eventually('the cache matches computeCompanyCashflows', converged);
  });

  it('given the worker running a job killed (SIGKILL), then another finds it stalled, reruns it and the cache converges', async () => {
    const { lock, holder } = await stuckJob('k1', 4);
    holder.child.kill('SIGKILL');
    await holder.exited;
    // While the read model is locked nobody can have finished the job.
    expect(await converged()).toBe(false);
    await lock.release();
    await eventually('the stalled job ran again and the cache converged', converged, 15_000);
  });

  it('given a job stuck at SIGTERM, then its worker exits within the shutdown bound and another finishes the job', async () => {
    const { lock, holder } = await stuckJob('g1', 9);
    const signalled = Date.now();
    holder.child.kill('SIGTERM');
    await holder.exited;
    // 300 ms drain, then the 2 s backstop at most (the stuck query holds the PG pool).
    expect(Date.now() - signalled).toBeLessThan(4_000);
    expect(await converged()).toBe(false);
    await lock.release();
    await eventually('the dropped job ran again and the cache converged', converged, 15_000);
    expect(fleet.alive()).toHaveLength(1);
  });
});
