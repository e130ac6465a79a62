import { formatMonth, type MonthIndex } from '@cvf/domain';
import { Queue, Worker } from 'bullmq';
import { type Redis } from 'ioredis';
import { CacheKeys } from '../layout';
import { connectRedis } from '../redis-connections';
import { deleteKeys, uniqueCacheOptions } from '../testing/test-env';
import {
  BullRecomputeScheduler,
  RECOMPUTE_WORKER_SETTINGS,
  type RecomputeJobData,
  type RecomputeQueue,
} from './bull-recompute-scheduler';
import { DirtyCohorts } from './dirty-cohorts';
import { RecomputeJobProcessor } from './recompute-job';
import { type RecomputeOutcome } from './recomputer';

// Deduplication: however many schedules arrive for a company, at most one job runs and one
// waits, and the jobs together process the union of the cohorts scheduled.

const options = uniqueCacheOptions('dedup');
const keys = new CacheKeys(options.prefix);
const JAN = 2020 * 12;
const month = (offset: number): string => formatMonth(JAN + offset);

let producer: Redis;
let workerConnection: Redis;
let queue: RecomputeQueue;
let scheduler: BullRecomputeScheduler;
let worker: Worker<RecomputeJobData> | null = null;
const calls: { companyId: string; dirty: readonly MonthIndex[] | 'all' }[] = [];
let gate: Promise<void> = Promise.resolve();
let openGate: () => void = () => undefined;
let started: () => void = () => undefined;

/** Companies whose next recomputes fail (Kafka or PostgreSQL away), with how many left. */
const failing = new Map<string, number>();
const attemptTimes: number[] = [];

/** Stands in for the recomputer: records what it was asked, can be held mid-job or fail. */
const recomputer = {
  async recompute(
    companyId: string,
    dirty: readonly MonthIndex[] | 'all',
  ): Promise<RecomputeOutcome> {
    calls.push({ companyId, dirty });
    started();
    await gate;
    const failures = failing.get(companyId) ?? 0;
    if (failures > 0 || failing.has(companyId)) attemptTimes.push(Date.now());
    if (failures > 0) {
      failing.set(companyId, failures - 1);
      throw new Error('the alerts topic is unreachable');
    }
    return { status: 'unknown-company' };
  },
};

function startWorker(dirty: DirtyCohorts): void {
  const processor = new RecomputeJobProcessor(dirty, recomputer);
  worker = new Worker<RecomputeJobData>(
    options.queueName,
    (job) => processor.process(job.data.companyId),
    { connection: workerConnection, concurrency: 4, settings: RECOMPUTE_WORKER_SETTINGS },
  );
  worker.on('error', () => undefined);
}
const holdJobs = (): Promise<void> => {
  gate = new Promise((resolve) => (openGate = resolve));
  return new Promise((resolve) => (started = resolve));
};
async function idle(expectedCompleted: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const counts = await queue.getJobCounts('active', 'waiting', 'completed');
    if (counts.active === 0 && counts.waiting === 0 && (counts.completed ?? 0) >= expectedCompleted)
      return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('queue never went idle');
}
const job = (companyId: string, months: string[] | 'all', position: string) => ({
  companyId,
  cohortMonths: months,
  position,
});

let dirty: DirtyCohorts;
beforeAll(async () => {
  producer = await connectRedis(options.redisUrl, 'commands');
  workerConnection = await connectRedis(options.redisUrl, 'worker');
  queue = new Queue<RecomputeJobData>(options.queueName, {
    connection: producer,
  }) as RecomputeQueue;
  queue.on('error', () => undefined);
  dirty = new DirtyCohorts(producer, keys, 600);
  scheduler = new BullRecomputeScheduler(queue, dirty);
});
afterAll(async () => {
  openGate();
  await worker?.close();
  await queue.obliterate({ force: true });
  await queue.close();
  await deleteKeys(producer, `${options.prefix}:*`);
  await workerConnection.quit();
  await producer.quit();
});

describe('BullRecomputeScheduler deduplication', () => {
  it('given no worker yet, when a company is scheduled many times, then one job waits and it takes the union', async () => {
    for (let i = 0; i < 10; i++) await scheduler.schedule([job('acme', [month(i % 4)], `10:${i}`)]);
    await scheduler.schedule([job('other', [month(0)], '10:99')]);
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 2 });

    startWorker(dirty);
    await idle(2);

    const acme = calls.filter((c) => c.companyId === 'acme');
    expect(acme).toHaveLength(1);
    expect(acme[0]!.dirty).toEqual(expect.arrayContaining([JAN, JAN + 1, JAN + 2, JAN + 3]));
    expect((await dirty.snapshot('acme')).members.size).toBe(0);
  });

  it('given a job running, when many schedules arrive, then exactly one follow-up runs with every cohort scheduled meanwhile', async () => {
    calls.length = 0;
    const running = holdJobs();
    await scheduler.schedule([job('acme', [month(0)], '20:0')]);
    await running;
    for (let i = 1; i <= 25; i++) {
      await scheduler.schedule([job('acme', [month(i % 6)], `20:${i}`)]);
    }
    // While one runs: nothing else active or waiting for the company.
    expect(await queue.getJobCounts('active', 'waiting')).toEqual({ active: 1, waiting: 0 });
    openGate();
    await idle(4);

    expect(calls).toHaveLength(2);
    expect(calls[0]!.dirty).toEqual([JAN]);
    // month(0) was dirtied again after the first job read it: it is kept for the follow-up.
    expect([...(calls[1]!.dirty as number[])].sort((a, b) => a - b)).toEqual(
      [0, 1, 2, 3, 4, 5].map((m) => JAN + m),
    );
    expect((await dirty.snapshot('acme')).members.size).toBe(0);
  });

  it("given 'all' among the schedules, then the follow-up recomputes every cohort", async () => {
    calls.length = 0;
    const running = holdJobs();
    await scheduler.schedule([job('acme', [month(1)], '30:0')]);
    await running;
    await scheduler.schedule([job('acme', 'all', '30:1'), job('other', [month(2)], '30:2')]);
    openGate();
    await idle(7);
    expect(calls.filter((c) => c.companyId === 'acme').map((c) => c.dirty)).toEqual([
      [JAN + 1],
      'all',
    ]);
  });
});

describe('a recompute that fails', () => {
  it('is retried with delays doubling from 500 ms, for far longer than BullMQ would by default, and then done', async () => {
    failing.set('flaky', 3);
    await scheduler.schedule([job('flaky', [month(3)], '40:0')]);
    const [queued] = await queue.getJobs(['waiting', 'active', 'delayed']);
    expect(queued?.opts.attempts).toBeGreaterThanOrEqual(10_000);
    for (let i = 0; i < 400 && attemptTimes.length < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(attemptTimes).toHaveLength(4); // three failures, then the attempt that succeeds
    const gaps = attemptTimes.slice(1).map((t, i) => t - attemptTimes[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(450);
    expect(gaps[1]).toBeGreaterThanOrEqual(950);
    expect(gaps[2]).toBeGreaterThanOrEqual(1_900);
    await idle(8);
    expect((await dirty.snapshot('flaky')).members.size).toBe(0);
  });
});
