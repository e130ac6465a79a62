import { type RecomputeJob, type RecomputeScheduler } from '@cvf/read-model';
import { exponentialBackoff } from '@cvf/resilience';
import { type AdvancedOptions, type JobsOptions, type Queue } from 'bullmq';
import { type DirtyCohorts } from './dirty-cohorts';

export const RECOMPUTE_JOB_NAME = 'recompute';

/** Job data: only the company. The cohorts are in the company's dirty hash (dirty-cohorts.ts). */
export interface RecomputeJobData {
  readonly companyId: string;
  /** The position that caused the latest enqueue; for logs only. */
  readonly position: string;
}

export type RecomputeQueue = Queue<RecomputeJobData, unknown, typeof RECOMPUTE_JOB_NAME>;

/** The backoff of recompute retries: BullMQ calls it by this name (`recomputeBackoff`). */
export const RECOMPUTE_BACKOFF = 'cvf-capped-exponential';
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 60_000;

/**
 * Delay before retry `attemptsMade` (1 for the first retry): doubling from 500 ms, at most a
 * minute. Workers pass it as `settings.backoffStrategy`.
 */
export function recomputeBackoff(attemptsMade: number): number {
  return exponentialBackoff({ firstMs: FIRST_RETRY_MS, maxMs: MAX_RETRY_MS })(attemptsMade);
}

/** The settings every recompute Worker runs with: how it computes the retry delays. */
export const RECOMPUTE_WORKER_SETTINGS: AdvancedOptions = {
  backoffStrategy: (attemptsMade, type) =>
    type === RECOMPUTE_BACKOFF ? recomputeBackoff(attemptsMade) : FIRST_RETRY_MS,
};

/**
 * How a recompute job is retried: at-least-once, so a failed or stalled job runs again, and
 * for as long as its cause lasts (a week at one attempt a minute). A job that gave up would
 * leave its company's dirty cohorts and unpublished alerts (Kafka or PostgreSQL away) until
 * some later event of that company happened to schedule another.
 */
export const RECOMPUTE_JOB_OPTIONS: JobsOptions = {
  attempts: 10_000,
  backoff: { type: RECOMPUTE_BACKOFF },
  removeOnComplete: { count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3_600 },
};

/**
 * The BullMQ adapter of the read model's `RecomputeScheduler`. Per company: the cohorts go
 * into its dirty hash, each with the furthest position (one Lua call), then ONE job is
 * enqueued with `deduplication: { id, keepLastIfActive: true }`: while a job of the company
 * waits, more schedules add nothing; while one runs, BullMQ keeps a single follow-up. So a
 * company has at most one running and one pending job however many events arrive, and the
 * follow-up reads every cohort dirtied meanwhile from the hash.
 *
 * Resolves only once Redis has accepted both writes (the outbox deletes its rows after);
 * the producer connection does not queue offline, so an outage fails fast and the outbox
 * retries.
 */
export class BullRecomputeScheduler implements RecomputeScheduler {
  constructor(
    private readonly queue: RecomputeQueue,
    private readonly dirty: DirtyCohorts,
  ) {}

  async schedule(jobs: readonly RecomputeJob[]): Promise<void> {
    await Promise.all(jobs.map((job) => this.scheduleOne(job)));
  }

  private async scheduleOne(job: RecomputeJob): Promise<void> {
    if (job.cohortMonths !== 'all' && job.cohortMonths.length === 0) return;
    // Dirty set first: a job that starts between the two writes already sees the cohorts.
    await this.dirty.mark(job.companyId, job.cohortMonths, job.position);
    await this.queue.add(
      RECOMPUTE_JOB_NAME,
      { companyId: job.companyId, position: job.position },
      {
        ...RECOMPUTE_JOB_OPTIONS,
        deduplication: { id: `recompute:${job.companyId}`, keepLastIfActive: true },
      },
    );
  }
}
