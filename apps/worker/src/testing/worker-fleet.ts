import { Queue } from 'bullmq';
import { type Redis } from 'ioredis';
import { Client } from 'pg';
import {
  BullRecomputeScheduler,
  CacheKeys,
  type CacheOptions,
  connectRedis,
  DirtyCohorts,
  type RecomputeJobData,
  type RecomputeQueue,
} from '@cvf/cache';
import {
  deleteKeys,
  readModelEnv,
  type ReadModelEnv,
  uniqueCacheOptions,
} from '@cvf/cache/testing';
import { type AppProcess, eventually, startAppProcess, untilReady } from '@cvf/platform/testing';

/**
 * Built worker processes on a read-model database and cache prefix of their own, with the
 * queue and scheduler a projector would use: what the worker e2e specs share. Locks are short
 * so that a job of a killed worker is found stalled within seconds.
 */
export interface WorkerFleet {
  readonly env: ReadModelEnv;
  readonly options: CacheOptions;
  readonly keys: CacheKeys;
  readonly redis: Redis;
  readonly queue: RecomputeQueue;
  readonly scheduler: BullRecomputeScheduler;
  readonly workers: readonly AppProcess[];
  alive(): AppProcess[];
  /** Holds the read model's company positions: a job that starts now blocks on its first read. */
  lockReadModel(): Promise<{ release(): Promise<void> }>;
  /** The worker running the active job (BullMQ's `processedBy` names host:pid). */
  holderOfActiveJob(): Promise<AppProcess>;
  close(): Promise<void>;
}

export async function startWorkerFleet(
  label: string,
  count: number,
  extraEnv: Record<string, string> = {},
  readyTimeoutMs = 25_000,
): Promise<WorkerFleet> {
  const options = uniqueCacheOptions(label);
  const keys = new CacheKeys(options.prefix);
  const env = await readModelEnv(`${label}_e2e`);
  const redis = await connectRedis(options.redisUrl, 'commands');
  const queue = new Queue<RecomputeJobData>(options.queueName, {
    connection: redis,
  }) as RecomputeQueue;
  queue.on('error', () => undefined);
  const scheduler = new BullRecomputeScheduler(queue, new DirtyCohorts(redis, keys, 600));
  const workerEnv = {
    DATABASE_URL: env.db.url,
    REDIS_URL: options.redisUrl,
    CACHE_PREFIX: options.prefix,
    RECOMPUTE_QUEUE: options.queueName,
    ALERTS_CHANNEL: options.alertsChannel,
    WORKER_LOCK_DURATION_MS: '1500',
    WORKER_STALLED_INTERVAL_MS: '1000',
    ...extraEnv,
  };
  // All at once: a start costs seconds on a busy machine.
  const workers = await Promise.all(
    Array.from({ length: count }, () => startAppProcess('worker', workerEnv)),
  );
  await Promise.all(workers.map((w) => untilReady(w, readyTimeoutMs)));
  const alive = () =>
    workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
  return {
    env,
    options,
    keys,
    redis,
    queue,
    scheduler,
    workers,
    alive,
    lockReadModel: async () => {
      const client = new Client({ connectionString: env.db.url });
      await client.connect();
      await client.query('BEGIN');
      await client.query('LOCK TABLE read_model.company_positions IN ACCESS EXCLUSIVE MODE');
      return {
        release: async () => {
          await client.query('ROLLBACK');
          await client.end();
        },
      };
    },
    holderOfActiveJob: async () => {
      let holder: AppProcess | undefined;
      await eventually('a worker runs the job', async () => {
        const [active] = await queue.getJobs(['active']);
        const pid = Number(active?.processedBy?.split(':').at(-1));
        holder = workers.find((w) => w.child.pid === pid);
        return holder !== undefined;
      });
      return holder!;
    },
    close: async () => {
      for (const worker of alive()) worker.child.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.exited));
      await queue.obliterate({ force: true });
      await queue.close();
      await deleteKeys(redis, `${options.prefix}:*`);
      await redis.quit();
      await env.close();
    },
  };
}
