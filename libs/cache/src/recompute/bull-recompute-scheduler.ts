import { type RecomputeJob, type RecomputeScheduler } from '@cvf/read-model';
import { type JobsOptions, type Queue } from 'bullmq';
import { type DirtyCohorts } from './dirty-cohorts';

export const RECOMPUTE_JOB_NAME = 'recompute';

/** Job data: only the company. The cohorts are in the company's dirty hash (dirty-cohorts.ts). */
export interface RecomputeJobData {
  readonly companyId: string;
  /** The position that caused the latest enqueue; for logs only. */
  readonly position: string;
}

export type RecomputeQueue = Queue<RecomputeJobData, unknown, typeof RECOMPUTE_JOB_NAME>;

/** How a recompute job is retried: at-least-once, so a failed or stalled job runs again. */
export const RECOMPUTE_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 500 },
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
