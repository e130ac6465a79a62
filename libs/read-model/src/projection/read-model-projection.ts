import { type MonthIndex } from '@cvf/domain';
import { comparePositions, type LogPosition, type RecordedEvent } from '@cvf/event-store';
import { type Pool, type PoolClient } from 'pg';
import { toRecomputeJob } from '../outbox/recompute-jobs';
import { type RecomputeJob } from '../outbox/recompute-scheduler.port';
import { DEFAULT_READ_MODEL_SCHEMA, projectionLockKey, quoteSchema } from '../sql';
import { type BatchPlan, planBatch } from './batch-plan';
import { type DirtyCohorts } from './row-changes';
import {
  advanceCheckpoint,
  type DirtyCompany,
  loadCompanyPositions,
  saveCompanyPositions,
  writeOutbox,
} from './bookkeeping-statements';
import { cohortDeltas, type Contribution, movedCustomers } from './cohort-deltas';
import {
  applyCellDeltas,
  applyCountDeltas,
  deriveCohortsFromPayments,
  monthlySums,
  recomputeCustomerCohorts,
} from './cohort-statements';
import { decodeRecordedEvent, type ProjectedEvent } from './decode';
import { insertPayments, patchPayments } from './payment-statements';
import { applyTerms } from './terms-statements';

export interface ReadModelProjectionOptions {
  /**
   * 'incremental' (default): customers, cohorts and cohort totals follow every batch and the
   * dirty cohorts go to the outbox. 'deferred': for a replay into an empty schema, batches
   * only write payments and terms; `deriveCohorts()` then builds the cohort tables in one
   * pass, which is far cheaper than keeping them current through the whole history.
   */
  readonly cohorts?: 'incremental' | 'deferred';
}

/** A batch decoded ahead of its transaction (see `decode`). */
export interface DecodedBatch {
  readonly size: number;
  readonly end: LogPosition | null;
  readonly projected: readonly ProjectedEvent[];
}

export interface BatchResult {
  /** Events that changed the read models (terms or payments of a company). */
  readonly applied: number;
  /** Re-deliveries (at or before their company's position) and events of other streams. */
  readonly skipped: number;
  /** One job per company whose cohorts changed; also written to the outbox. */
  readonly dirty: readonly RecomputeJob[];
}

/**
 * Applies batches of the event log to the read models. Each batch is one transaction that
 * also stores the checkpoint, each company's last applied position and the outbox rows, so
 * a crash anywhere leaves either all of a batch or none of it; and a batch delivered again
 * (whole or overlapping) finds its events at or before their company's position and skips
 * them. Writers of one schema serialise on an advisory lock, so two projector instances
 * never apply the same event twice.
 *
 * The number of statements per batch is constant (each table gets its rows as arrays), and
 * the cohort maintenance costs O(payments of the customers the batch touched whose cohort
 * moved), never O(company history): see cohort-deltas.ts.
 */
export class ReadModelProjection {
  private readonly s: string;
  private readonly mode: 'incremental' | 'deferred';

  constructor(
    private readonly pool: Pool,
    private readonly schema: string = DEFAULT_READ_MODEL_SCHEMA,
    options: ReadModelProjectionOptions = {},
  ) {
    this.s = quoteSchema(schema);
    this.mode = options.cohorts ?? 'incremental';
  }

  async applyBatch(events: readonly RecordedEvent[]): Promise<BatchResult> {
    return this.applyDecoded(this.decode(events));
  }

  /**
   * The CPU half of `applyBatch` (JSON payloads → domain events), separate so that a replay
   * can decode the next page while the database applies this one. It also runs before the
   * transaction opens: open transactions hold event-log readers back, so they stay as short
   * as the SQL itself.
   */
  decode(events: readonly RecordedEvent[]): DecodedBatch {
    const projected: ProjectedEvent[] = [];
    for (const event of events) {
      const decoded = decodeRecordedEvent(event);
      if (decoded) projected.push(decoded);
    }
    return { size: events.length, end: lastPosition(events), projected };
  }

  async applyDecoded(batch: DecodedBatch): Promise<BatchResult> {
    const { end, projected } = batch;
    if (end === null) return { applied: 0, skipped: 0, dirty: [] };
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // A replay writes a schema nobody reads yet and starts over after a crash: it need
      // not wait for each commit to reach disk (the switch's commit flushes them all).
      if (this.mode === 'deferred') await client.query('SET LOCAL synchronous_commit = off');
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        projectionLockKey(this.schema),
      ]);
      const companyIds = [...new Set(projected.map((e) => e.companyId))];
      const plan = planBatch(projected, await loadCompanyPositions(client, this.s, companyIds));
      await applyTerms(client, this.s, plan);
      const cohortDirty = await this.applyPayments(client, plan);
      await saveCompanyPositions(client, this.s, plan.companyPositions);
      await advanceCheckpoint(client, this.s, end);
      const dirty = this.mode === 'incremental' ? dirtyCompanies(plan, cohortDirty, end) : [];
      await writeOutbox(client, this.s, dirty);
      await client.query('COMMIT');
      return {
        applied: plan.applied,
        skipped: batch.size - plan.applied,
        dirty: dirty.map(toRecomputeJob),
      };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Finishes a deferred replay: customers, cohorts and cohort totals from the payments. */
  async deriveCohorts(): Promise<void> {
    if (this.mode !== 'deferred') throw new Error('deriveCohorts is for deferred projections');
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await deriveCohortsFromPayments(client, this.s);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Writes the payment rows and, when incremental, the cohort tables; returns dirty cohorts. */
  private async applyPayments(
    client: PoolClient,
    plan: BatchPlan,
  ): Promise<ReadonlyMap<string, ReadonlySet<MonthIndex>>> {
    const inserted = await insertPayments(client, this.s, plan.paymentInserts);
    const patched = await patchPayments(client, this.s, plan.paymentPatches);
    if (this.mode === 'deferred') return new Map();
    const removed = patched.removed;
    const added = [...inserted.added, ...patched.added];
    const cohorts = await recomputeCustomerCohorts(client, this.s, customersOf(removed, added));
    const movedSums = await monthlySums(client, this.s, movedCustomers(cohorts));
    const deltas = cohortDeltas({ removed, added, cohorts, movedSums });
    await applyCellDeltas(client, this.s, deltas.cells);
    await applyCountDeltas(client, this.s, deltas.counts);
    return deltas.dirty;
  }
}

function lastPosition(events: readonly RecordedEvent[]): LogPosition | null {
  let last: LogPosition | null = null;
  for (const e of events) {
    const position = { transactionId: e.transactionId, globalPosition: e.globalPosition };
    if (comparePositions(position, last) > 0) last = position;
  }
  return last;
}

function customersOf(
  ...lists: readonly (readonly Contribution[])[]
): { companyId: string; customerId: string }[] {
  const unique = new Map<string, { companyId: string; customerId: string }>();
  for (const list of lists) {
    for (const { companyId, customerId } of list) {
      unique.set(`${companyId}\u0000${customerId}`, { companyId, customerId });
    }
  }
  return [...unique.values()];
}

/** Terms' dirty cohorts and the payments' merged per company, at the batch's end position. */
function dirtyCompanies(
  plan: BatchPlan,
  cohortDirty: ReadonlyMap<string, ReadonlySet<MonthIndex>>,
  position: LogPosition,
): DirtyCompany[] {
  const merged = new Map<string, DirtyCohorts>(plan.termsDirty);
  for (const [companyId, months] of cohortDirty) {
    const known = merged.get(companyId);
    if (known === 'all') continue;
    merged.set(companyId, new Set([...(known ?? []), ...months]));
  }
  return [...merged].map(([companyId, months]) => ({
    companyId,
    cohortMonths: months === 'all' ? 'all' : [...months].sort((a, b) => a - b),
    position,
  }));
}
