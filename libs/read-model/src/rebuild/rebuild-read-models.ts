import {
  comparePositions,
  encodePosition,
  type EventStore,
  type LogPosition,
} from '@cvf/event-store';
import { type Pool } from 'pg';
import { migrateReadModel } from '../migrations/migrate';
import { RecomputeOutboxDispatcher } from '../outbox/outbox-dispatcher';
import { type RecomputeScheduler } from '../outbox/recompute-scheduler.port';
import { ReadModelProjection } from '../projection/read-model-projection';
import { projectionPosition } from '../queries/positions.query';
import { DEFAULT_READ_MODEL_SCHEMA, projectionLockKey, quoteSchema } from '../sql';

export interface RebuildProgress {
  /** replay: reading the log into the new schema; cohorts: deriving the cohort tables; catch-up: events that arrived meanwhile; switch: renaming the schemas. */
  readonly phase: 'replay' | 'cohorts' | 'catch-up' | 'switch';
  /** Events read from the log so far. */
  readonly events: number;
  readonly elapsedMs: number;
}

export interface RebuildOptions {
  readonly pool: Pool;
  readonly eventStore: Pick<EventStore, 'readAll'>;
  readonly onProgress?: (progress: RebuildProgress) => void;
  /** The live schema to replace; defaults to `read_model`. */
  readonly schema?: string;
  /** Events per `readAll` page and per batch; defaults to 10,000. */
  readonly pageSize?: number;
  /** When given, the recompute jobs of the switch are dispatched at once. */
  readonly scheduler?: RecomputeScheduler | null;
}

export interface RebuildResult {
  readonly events: number;
  readonly elapsedMs: number;
  readonly eventsPerSecond: number;
  /** The checkpoint the new live schema carries: the live projector continues after it. */
  readonly position: LogPosition | null;
  readonly companies: number;
}

export class RebuildInProgressError extends Error {
  override readonly name = 'RebuildInProgressError';
}

const MAX_SWITCH_ATTEMPTS = 20;

/**
 * Replays the whole log into `<schema>_next` beside the live schema, then switches over in
 * one transaction (rename live away, rename next into place, drop the old), so readers see
 * either the old read models or the new ones, never a half-built one.
 *
 * The replay defers the cohort tables (payments and terms only, then one set-based pass) and
 * reads the next page while the current one is applied. Then it catches up incrementally
 * with what arrived meanwhile and switches under the live projection's advisory lock, but
 * only once it is at or beyond the live checkpoint. The live projector therefore resumes
 * without a gap: what it delivers next that the new schema already holds is at or before
 * its company's position and is skipped. Every company gets an 'all' recompute job, since
 * the rebuilt read models may differ from what the caches were computed from.
 */
export async function rebuildReadModels(options: RebuildOptions): Promise<RebuildResult> {
  const { pool, eventStore } = options;
  const live = options.schema ?? DEFAULT_READ_MODEL_SCHEMA;
  const next = `${live}_next`;
  quoteSchema(next);
  const pageSize = options.pageSize ?? 10_000;
  const started = performance.now();
  let events = 0;
  const report = (phase: RebuildProgress['phase']): void =>
    options.onProgress?.({ phase, events, elapsedMs: performance.now() - started });

  const lock = await pool.connect();
  try {
    const locked = await lock.query<{ ok: boolean }>(
      'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok',
      [`cvf.read-model.rebuild:${live}`],
    );
    if (!locked.rows[0]?.ok) throw new RebuildInProgressError(`a rebuild of ${live} is running`);
    try {
      // A leftover from an interrupted rebuild is worth nothing: start clean.
      await pool.query(`DROP SCHEMA IF EXISTS ${quoteSchema(next)} CASCADE`);
      await migrateReadModel(pool, next);

      // Three things overlap: PostgreSQL applies page n, pg parses page n + 1 as it arrives,
      // and page n + 1 is decoded while page n's statements run.
      const replay = async (projection: ReadModelProjection, from: LogPosition | null) => {
        const phase = from === null ? 'replay' : 'catch-up';
        let after = from;
        let page = await eventStore.readAll(after, pageSize);
        let decoded = projection.decode(page.events);
        while (page.events.length > 0) {
          after = page.checkpoint;
          const applying = projection.applyDecoded(decoded);
          const reading = eventStore.readAll(after, pageSize);
          // Both are awaited below; until then a failure must not count as unhandled.
          applying.catch(() => undefined);
          reading.catch(() => undefined);
          const appliedEvents = page.events.length;
          page = await reading.catch(async (error: unknown) => {
            await applying.catch(() => undefined); // never leave a batch running behind
            throw error;
          });
          decoded = projection.decode(page.events);
          await applying;
          events += appliedEvents;
          report(phase);
          // An empty page read while our own transaction was open may only mean "hidden
          // behind it" (readers stop at the oldest open transaction): look again.
          if (page.events.length === 0) {
            page = await eventStore.readAll(after, pageSize);
            decoded = projection.decode(page.events);
          }
        }
        return after;
      };

      const deferred = new ReadModelProjection(pool, next, { cohorts: 'deferred' });
      const restoreIndexes = await suspendSecondaryIndexes(pool, next);
      let position = await replay(deferred, null);
      report('cohorts');
      // Index builds and the cohort derivation only read payments: on separate connections
      // they use both cores. (customers_by_cohort simply waits for its table to be filled.)
      await settleAll([deferred.deriveCohorts(), restoreIndexes()]);
      const incremental = new ReadModelProjection(pool, next);
      for (let attempt = 1; ; attempt++) {
        report('switch');
        if (await switchSchemas(pool, live, next, position)) break;
        if (attempt === MAX_SWITCH_ATTEMPTS) {
          throw new Error(`rebuild could not overtake the live projection of ${live}`);
        }
        position = await replay(incremental, position);
      }
      if (options.scheduler) {
        await new RecomputeOutboxDispatcher(pool, options.scheduler, live).dispatchPending();
      }
      const companies = await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${quoteSchema(live)}.company_positions`,
      );
      const elapsedMs = performance.now() - started;
      return {
        events,
        elapsedMs,
        eventsPerSecond: elapsedMs > 0 ? (events * 1000) / elapsedMs : 0,
        position,
        companies: companies.rows[0]?.n ?? 0,
      };
    } finally {
      await lock.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [
        `cvf.read-model.rebuild:${live}`,
      ]);
    }
  } finally {
    lock.release();
  }
}

/**
 * Drops the schema's secondary indexes (not primary keys: the replay looks rows up by them)
 * and returns how to build them again. One sorted build after the load is several times
 * cheaper than maintaining them row by row; the definitions come from the catalog, so the
 * migration stays their only source.
 */
async function suspendSecondaryIndexes(pool: Pool, schema: string): Promise<() => Promise<void>> {
  const indexes = await pool.query<{ indexname: string; indexdef: string }>(
    `SELECT i.indexname, i.indexdef FROM pg_indexes i
     JOIN pg_class c ON c.relname = i.indexname
     JOIN pg_index x ON x.indexrelid = c.oid
     JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = i.schemaname
     WHERE i.schemaname = $1 AND NOT x.indisunique
     ORDER BY i.indexname`,
    [schema],
  );
  const s = quoteSchema(schema);
  for (const { indexname } of indexes.rows) {
    await pool.query(`DROP INDEX ${s}."${indexname}"`);
  }
  return () => settleAll(indexes.rows.map(({ indexdef }) => pool.query(indexdef)));
}

/** Like Promise.all, but rejects only once every statement has ended: none left running. */
async function settleAll(work: readonly Promise<unknown>[]): Promise<void> {
  const outcomes = await Promise.allSettled(work);
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * Puts `next` in place of `live` if it has read at least as far; false when the live
 * projection is ahead (the caller catches up and tries again). Holding the live schema's
 * projection lock means no live batch is half-applied while the names change.
 */
async function switchSchemas(
  pool: Pool,
  live: string,
  next: string,
  nextPosition: LogPosition | null,
): Promise<boolean> {
  const [l, n, old] = [quoteSchema(live), quoteSchema(next), quoteSchema(`${live}_old`)];
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      projectionLockKey(live),
    ]);
    const exists = await client.query<{ found: boolean }>(
      'SELECT to_regnamespace($1) IS NOT NULL AS found',
      [l],
    );
    const liveExists = exists.rows[0]?.found === true;
    if (liveExists && comparePositions(await projectionPosition(client, live), nextPosition) > 0) {
      await client.query('ROLLBACK');
      return false;
    }
    if (nextPosition) {
      await client.query(
        `INSERT INTO ${n}.recompute_outbox (company_id, cohort_months, position)
         SELECT company_id, NULL, $1 FROM ${n}.company_positions ORDER BY company_id`,
        [encodePosition(nextPosition)],
      );
    }
    await client.query(`DROP SCHEMA IF EXISTS ${old} CASCADE`);
    if (liveExists) await client.query(`ALTER SCHEMA ${l} RENAME TO ${old}`);
    await client.query(`ALTER SCHEMA ${n} RENAME TO ${l}`);
    await client.query(`DROP SCHEMA IF EXISTS ${old} CASCADE`);
    await client.query('COMMIT');
    return true;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
