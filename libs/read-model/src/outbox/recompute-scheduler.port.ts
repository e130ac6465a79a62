/**
 * Where the projector hands "recompute these cohorts" after a batch commits. The read-model
 * library owns the port; the BullMQ adapter lives with the worker.
 */
export interface RecomputeJob {
  readonly companyId: string;
  /** "YYYY-MM-01" months, ascending; 'all' when a company-wide term changed. */
  readonly cohortMonths: readonly string[] | 'all';
  /** `encodePosition` of the log position the read models had reached. */
  readonly position: string;
}

export interface RecomputeScheduler {
  /**
   * Must not resolve before the jobs are durably queued: the outbox rows are deleted right
   * after. Delivery is at-least-once (a crash between the two repeats a job), so jobs must
   * be idempotent.
   */
  schedule(jobs: readonly RecomputeJob[]): Promise<void>;
}

/** Injection token for binding an adapter in a Nest module. */
export const RECOMPUTE_SCHEDULER = Symbol.for('cvf.RecomputeScheduler');
