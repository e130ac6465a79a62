import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  CACHE_OPTIONS,
  type CacheOptions,
  closeRedis,
  connectRedis,
  logErrors,
  RECOMPUTE_WORKER_SETTINGS,
  type RecomputeJobData,
  RecomputeJobProcessor,
} from '@cvf/cache';
import { hostname } from 'node:os';
import { type Job, Worker } from 'bullmq';
import { type Redis } from 'ioredis';

export interface RecomputeWorkerOptions {
  /** Jobs processed at once (different companies: one company never runs twice at once). */
  readonly concurrency: number;
  /** How long shutdown waits for running jobs before dropping them (they are retried). */
  readonly shutdownTimeoutMs: number;
  /** BullMQ lock of a running job; a job whose lock lapses is stalled and run again. */
  readonly lockDurationMs: number;
  /** How often this worker looks for stalled jobs (of any worker). */
  readonly stalledIntervalMs: number;
}

export const RECOMPUTE_WORKER_OPTIONS = Symbol.for('cvf.worker.Options');

export const DEFAULT_WORKER_OPTIONS: RecomputeWorkerOptions = {
  concurrency: 2,
  shutdownTimeoutMs: 10_000,
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
};

/**
 * The BullMQ worker of recompute jobs, as a plain `bullmq` Worker owned by this provider
 * rather than @nestjs/bullmq's `@Processor`: that integration closes its workers with an
 * unbounded `worker.close()` on shutdown (NOTES.md: it waits for active jobs forever), and
 * takes its connection and concurrency from decorators; here shutdown is raced against a
 * timeout, and the connection (maxRetriesPerRequest: null) and concurrency come from config.
 */
@Injectable()
export class RecomputeWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RecomputeWorker.name);
  private worker: Worker<RecomputeJobData> | null = null;
  private connection: Redis | null = null;

  constructor(
    @Inject(CACHE_OPTIONS) private readonly cache: CacheOptions,
    @Inject(RECOMPUTE_WORKER_OPTIONS) private readonly options: RecomputeWorkerOptions,
    private readonly processor: RecomputeJobProcessor,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const log = (message: string): void => this.logger.error(message);
    this.connection = await connectRedis(this.cache.redisUrl, 'worker', 'cvf-worker', log);
    const worker = new Worker<RecomputeJobData>(this.cache.queueName, (job) => this.run(job), {
      // Stored on each job it runs (`processedBy`): which process holds a job is visible.
      name: `${hostname()}:${process.pid}`,
      connection: this.connection,
      concurrency: this.options.concurrency,
      lockDuration: this.options.lockDurationMs,
      stalledInterval: this.options.stalledIntervalMs,
      // A job stalls when its worker dies; it is idempotent, so retrying it is always safe.
      maxStalledCount: 10,
      // Retries double from 500 ms to at most a minute, for as long as the cause lasts.
      settings: RECOMPUTE_WORKER_SETTINGS,
    });
    logErrors(worker, `worker ${this.cache.queueName}`, log);
    worker.on('failed', (job, error) => {
      this.logger.warn(`recompute ${job?.data.companyId ?? '?'} failed: ${error.message}`);
    });
    this.worker = worker;
  }

  /** True while the worker takes jobs: readiness reports it. */
  isRunning(): boolean {
    return this.worker?.isRunning() ?? false;
  }

  private async run(job: Job<RecomputeJobData>): Promise<{ processed: number }> {
    const result = await this.processor.process(job.data.companyId);
    return { processed: result.processed.length };
  }

  /** Stop taking jobs, let running ones finish for at most `shutdownTimeoutMs`, then drop. */
  async beforeApplicationShutdown(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) {
      const closing = worker.close().then(() => true);
      // A job still running after the timeout keeps its lock only until it lapses; then the
      // next worker finds it stalled and runs it again (its dirty cohorts are still marked).
      if (!(await within(closing, this.options.shutdownTimeoutMs))) {
        this.logger.warn(`jobs still running after ${this.options.shutdownTimeoutMs} ms: dropped`);
        await within(
          worker.disconnect().then(() => true),
          1_000,
        );
      }
      closing.catch(() => undefined);
    }
    if (this.connection) await closeRedis(this.connection);
    this.connection = null;
  }
}

/** true when `promise` settled in time; never rejects. */
async function within(promise: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.catch(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
