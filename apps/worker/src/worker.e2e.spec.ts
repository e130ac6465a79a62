import { isDeepStrictEqual } from 'node:util';
import { Queue } from 'bullmq';
import { type Redis } from 'ioredis';
import { Client } from 'pg';
// Deep imports, not `@cvf/cache`: its index also exports the Nest module, and jest cannot
// load NestJS 12's ES modules (the worker itself runs as a separate process below).
import { CohortCache } from '../../../libs/cache/src/cohort-cache';
import { CacheKeys } from '../../../libs/cache/src/layout';
import {
  BullRecomputeScheduler,
  type RecomputeJobData,
  type RecomputeQueue,
} from '../../../libs/cache/src/recompute/bull-recompute-scheduler';
import { DirtyCohorts } from '../../../libs/cache/src/recompute/dirty-cohorts';
import { connectRedis } from '../../../libs/cache/src/redis-connections';
import { SyntheticLog } from '../../../libs/cache/src/testing/company-history';
import { newCustomerPayment, portfolioHistory } from '../../../libs/cache/src/testing/fixtures';
import { expectedDocuments } from '../../../libs/cache/src/testing/oracle';
import {
  deleteKeys,
  readModelEnv,
  type ReadModelEnv,
  uniqueCacheOptions,
} from '../../../libs/cache/src/testing/test-env';
import {
  type AppProcess,
  eventually,
  startAppProcess,
  untilReady,
} from '../../../libs/platform/src/testing/app-process';

// The built worker in its own processes against real PostgreSQL and Redis: health,
// convergence of the cache to the engine's numbers, a SIGKILL mid-job, a bounded SIGTERM.
// Three workers start at once (a start costs seconds on a busy machine); each failure test
// takes down the one holding the job and another one must finish the work.

jest.setTimeout(30_000);

const options = uniqueCacheOptions('worker');
const keys = new CacheKeys(options.prefix);
const log = new SyntheticLog();
const history = portfolioHistory('acme', { payments: 200 });
let env: ReadModelEnv;
let redis: Redis;
let queue: RecomputeQueue;
let scheduler: BullRecomputeScheduler;
let cache: CohortCache;
let workers: AppProcess[] = [];

const workerEnv = () => ({
  DATABASE_URL: env.db.url,
  REDIS_URL: options.redisUrl,
  CACHE_PREFIX: options.prefix,
  RECOMPUTE_QUEUE: options.queueName,
  ALERTS_CHANNEL: options.alertsChannel,
  // Short locks so that a job of a dead worker is found stalled within seconds.
  WORKER_LOCK_DURATION_MS: '1500',
  WORKER_STALLED_INTERVAL_MS: '1000',
  WORKER_SHUTDOWN_TIMEOUT_MS: '300',
});
async function converged(): Promise<boolean> {
  for (const [view, document] of expectedDocuments(history)) {
    const cached = await cache.readRollup('acme', view);
    if (!cached || !isDeepStrictEqual(cached.document, document)) return false;
  }
  return (await redis.hlen(keys.dirty('acme'))) === 0;
}
/** Holds the read model's company positions: a job that starts now blocks on its first read. */
async function lockReadModel(): Promise<Client> {
  const client = new Client({ connectionString: env.db.url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE read_model.company_positions IN ACCESS EXCLUSIVE MODE');
  return client;
}
async function release(client: Client): Promise<void> {
  await client.query('ROLLBACK');
  await client.end();
}
/**
 * New payments projected, then the read model locked, then the job scheduled: it starts and
 * blocks. Returns the worker process running it (BullMQ's `processedBy` names host:pid).
 */
async function stuckJob(
  paymentId: string,
  monthOffset: number,
): Promise<{ lock: Client; holder: AppProcess }> {
  newCustomerPayment(history, paymentId, monthOffset, 55_500);
  const batch = await env.apply(history.take(log));
  const lock = await lockReadModel();
  await scheduler.schedule(batch.dirty);
  let holder: AppProcess | undefined;
  await eventually('the job runs, blocked on the read model', async () => {
    const [active] = await queue.getJobs(['active']);
    const pid = Number(active?.processedBy?.split(':').at(-1));
    holder = workers.find((w) => w.child.pid === pid);
    return holder !== undefined;
  });
  return { lock, holder: holder! };
}
const alive = () => workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);

beforeAll(async () => {
  env = await readModelEnv('worker_e2e');
  redis = await connectRedis(options.redisUrl, 'commands');
  queue = new Queue<RecomputeJobData>(options.queueName, { connection: redis }) as RecomputeQueue;
  queue.on('error', () => undefined);
  scheduler = new BullRecomputeScheduler(queue, new DirtyCohorts(redis, keys, 600));
  cache = new CohortCache(redis, keys, 600);
  workers = await Promise.all([0, 1, 2].map(() => startAppProcess('worker', workerEnv())));
  await Promise.all(workers.map((w) => untilReady(w, 25_000)));
});
afterAll(async () => {
  for (const worker of alive()) worker.child.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
  await queue.obliterate({ force: true });
  await queue.close();
  await deleteKeys(redis, `${options.prefix}:*`);
  await redis.quit();
  await env.close();
});

describe('worker process', () => {
  it('answers /health/live, and /health/ready after checking Redis, PostgreSQL and the worker', async () => {
    const worker = workers[0]!;
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
    const batch = await env.apply(history.take(log));
    await scheduler.schedule(batch.dirty);
    await eventually('the cache matches computeCompanyCashflows', converged);
  });

  it('given the worker running a job killed (SIGKILL), then another finds it stalled, reruns it and the cache converges', async () => {
    const { lock, holder } = await stuckJob('k1', 4);
    holder.child.kill('SIGKILL');
    await holder.exited;
    // While the read model is locked nobody can have finished the job.
    expect(await converged()).toBe(false);
    await release(lock);
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
    await release(lock);
    await eventually('the dropped job ran again and the cache converged', converged, 15_000);
    expect(alive()).toHaveLength(1);
  });
});
