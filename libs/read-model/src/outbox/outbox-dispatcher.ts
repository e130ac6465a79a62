import { type Pool } from 'pg';
import { DEFAULT_READ_MODEL_SCHEMA, quoteSchema } from '../sql';
import { mergeOutboxRows } from './recompute-jobs';
import { type RecomputeScheduler } from './recompute-scheduler.port';

const PAGE = 1_000;

/**
 * Hands the outbox to the scheduler after the batches that wrote it have committed, then
 * deletes what it handed over. No transaction is held open around `schedule`: an open
 * transaction with a write would hold every event-log reader back (see the event store's
 * design notes). The price is that a crash between schedule and delete repeats a job,
 * which the scheduler's contract allows (at-least-once).
 */
export class RecomputeOutboxDispatcher {
  private readonly s: string;

  constructor(
    private readonly pool: Pool,
    private readonly scheduler: RecomputeScheduler,
    schema: string = DEFAULT_READ_MODEL_SCHEMA,
  ) {
    this.s = quoteSchema(schema);
  }

  /** Dispatches every pending row (leftovers included); returns how many rows it handed over. */
  async dispatchPending(): Promise<number> {
    let dispatched = 0;
    for (;;) {
      const pending = await this.pool.query<{
        id: string;
        company_id: string;
        cohort_months: number[] | null;
        position: string;
      }>(
        `SELECT id::text, company_id, cohort_months, position
         FROM ${this.s}.recompute_outbox ORDER BY id LIMIT ${PAGE}`,
      );
      if (pending.rows.length === 0) return dispatched;
      const jobs = mergeOutboxRows(
        pending.rows.map((row) => ({
          companyId: row.company_id,
          cohortMonths: row.cohort_months,
          position: row.position,
        })),
      );
      await this.scheduler.schedule(jobs);
      await this.pool.query(`DELETE FROM ${this.s}.recompute_outbox WHERE id = ANY($1::bigint[])`, [
        pending.rows.map((row) => row.id),
      ]);
      dispatched += pending.rows.length;
    }
  }
}
