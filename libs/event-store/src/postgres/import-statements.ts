import type { PoolClient } from 'pg';
import type { LogPosition, NewEvent, StreamImportConflict } from '../event-store.port';
import { dataAsJson, storedMetadata } from './append-statements';
import { postgresErrorCode, UNIQUE_VIOLATION } from './append-transaction';
import { copyField } from './copy-text';
import { EVENT_COLUMNS, type EventRow, toRecordedEvent } from './event-rows';
import { UUID } from './validate-batch';

// The statements of a bulk import (import-new-streams.ts). Rows travel by COPY; everything
// else is a handful of set-based statements, each run once whatever the size of the import.
// `ord` is a stream's place in stream id order, `idx` its index in the caller's source.

export const CREATE_IMPORT_IDS = `
  CREATE TEMPORARY TABLE import_ids (
    ord       integer NOT NULL,
    idx       integer NOT NULL,
    stream_id text    NOT NULL
  ) ON COMMIT DROP`;

export const COPY_IMPORT_IDS = `COPY import_ids (ord, idx, stream_id) FROM STDIN`;

// Column names unlike those of `events`, so that the two can be joined without qualifying.
export const CREATE_IMPORT_OFFERS = `
  CREATE TEMPORARY TABLE import_offers (
    idx                    integer NOT NULL,
    offered_stream         text    NOT NULL,
    offered_type           text    NOT NULL,
    offered_schema_version integer NOT NULL,
    offered_data           jsonb   NOT NULL
  ) ON COMMIT DROP`;

export const COPY_IMPORT_OFFERS = `COPY import_offers
  (idx, offered_stream, offered_type, offered_schema_version, offered_data) FROM STDIN`;

export const COPY_EVENTS = `COPY events
  (stream_id, stream_version, event_id, type, schema_version, data, metadata) FROM STDIN`;

export function idRow(ord: number, idx: number, streamId: string): string {
  return `${ord}\t${idx}\t${copyField(streamId)}\n`;
}

/** An offered event kept for comparison: its match fields are all a comparison reads. */
export function offerRow(
  idx: number,
  streamId: string,
  event: NewEvent,
  matchFields: readonly string[],
): string {
  requireWellFormed(event);
  const data = event.data as Readonly<Record<string, unknown>> | null;
  const facts: Record<string, unknown> = {};
  for (const field of matchFields) {
    if (typeof data === 'object' && data !== null && Object.hasOwn(data, field))
      facts[field] = data[field];
  }
  return (
    `${idx}\t${copyField(streamId)}\t${copyField(event.type)}\t${event.schemaVersion}\t` +
    `${copyField(JSON.stringify(facts))}\n`
  );
}

/** A row of `events`: version 1; position and transaction id come from the column defaults. */
export function eventRow(streamId: string, event: NewEvent): string {
  requireWellFormed(event);
  return (
    `${copyField(streamId)}\t1\t${event.eventId}\t${copyField(event.type)}\t` +
    `${event.schemaVersion}\t${copyField(dataAsJson(event))}\t` +
    `${copyField(JSON.stringify(storedMetadata(event)))}\n`
  );
}

/** What no database state could make valid (the same checks as `validateBatch`). */
function requireWellFormed(event: NewEvent): void {
  if (!UUID.test(event.eventId)) throw new RangeError(`event id '${event.eventId}' is not a uuid`);
  if (!Number.isSafeInteger(event.schemaVersion)) {
    throw new RangeError(`event ${event.eventId}: schema version is not an integer`);
  }
}

/**
 * Creates the streams that do not exist, each at version 1 and with this transaction as its
 * last writer (the ordering guard of postgres-event-store.ts), in stream id order like every
 * other writer, so concurrent writers never wait on each other in a cycle. Returns how many.
 *
 * A plain INSERT of the streams not found takes two thirds of the time of INSERT ... ON
 * CONFLICT DO NOTHING (measured: 4 s against 6 to 8 s for a million), so that goes first;
 * only when a concurrent writer created one of the streams after our snapshot (a unique
 * violation) is the claim redone, from a savepoint, the slower way that waits for such
 * writers and then skips their streams.
 */
export async function claimNewStreams(client: PoolClient): Promise<number> {
  await client.query('SAVEPOINT import_claim');
  try {
    const fast = await client.query(
      `INSERT INTO streams (stream_id, version, last_transaction_id)
       SELECT i.stream_id, 1, pg_current_xact_id() FROM import_ids i
       WHERE NOT EXISTS (SELECT 1 FROM streams s WHERE s.stream_id = i.stream_id)
       ORDER BY i.ord`,
    );
    await client.query('RELEASE SAVEPOINT import_claim');
    return fast.rowCount ?? 0;
  } catch (error) {
    if (postgresErrorCode(error) !== UNIQUE_VIOLATION) throw error;
    await client.query('ROLLBACK TO SAVEPOINT import_claim');
  }
  const careful = await client.query(
    `INSERT INTO streams (stream_id, version, last_transaction_id)
     SELECT stream_id, 1, pg_current_xact_id() FROM import_ids ORDER BY ord
     ON CONFLICT (stream_id) DO NOTHING`,
  );
  return careful.rowCount ?? 0;
}

/** Source indexes of the offered streams that existed before (the rest carry our id). */
export async function existingIndexes(client: PoolClient): Promise<number[]> {
  const result = await client.query<{ idx: number[] }>(
    `SELECT coalesce(array_agg(i.idx ORDER BY i.ord), '{}') AS idx
     FROM import_ids i JOIN streams s ON s.stream_id = i.stream_id
     WHERE s.last_transaction_id <> pg_current_xact_id()`,
  );
  return result.rows[0]?.idx ?? [];
}

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Match fields are spliced into SQL as literals, so only plain names are allowed. */
export function requireFieldNames(fields: readonly string[]): void {
  for (const field of fields) {
    if (!FIELD_NAME.test(field)) throw new RangeError(`'${field}' is not a data field name`);
  }
}

const PAGE = 1_000;

type CandidateRow = EventRow & { idx: number; offered_stream: string; offered_data: unknown };

export interface ConflictSearch {
  readonly matchFields: readonly string[];
  readonly isSameFact?: (
    stored: StreamImportConflict['stored'],
    offered: StreamImportConflict['offered'],
  ) => boolean;
  readonly listed: number;
}

/**
 * Existing streams whose first event records another fact: one join in SQL finds every
 * candidate (another type, schema version or value of a match field); the caller's
 * `isSameFact`, when given, has the last word on each. Returns the first `listed` conflicts
 * in stream id order and how many there are.
 */
export async function findConflicts(
  client: PoolClient,
  search: ConflictSearch,
): Promise<{ conflicts: StreamImportConflict[]; conflictCount: number }> {
  const sameFields = search.matchFields
    .map((f) => `AND e.data -> '${f}' IS NOT DISTINCT FROM x.offered_data -> '${f}'`)
    .join(' ');
  await client.query(
    `DECLARE import_conflicts NO SCROLL CURSOR FOR
     SELECT x.idx, x.offered_stream, x.offered_data, ${EVENT_COLUMNS}
     FROM import_offers x
       JOIN events e ON e.stream_id = x.offered_stream AND e.stream_version = 1
     WHERE NOT (e.type = x.offered_type AND e.schema_version = x.offered_schema_version
                ${sameFields})
     ORDER BY x.offered_stream`,
  );
  const conflicts: StreamImportConflict[] = [];
  let conflictCount = 0;
  for (;;) {
    const page = await client.query<CandidateRow>(`FETCH ${PAGE} FROM import_conflicts`);
    for (const row of page.rows) {
      const offered = { index: row.idx, streamId: row.offered_stream, data: row.offered_data };
      const stored = toRecordedEvent(row);
      if (search.isSameFact?.(stored, offered)) continue;
      conflictCount += 1;
      if (conflicts.length < search.listed) conflicts.push({ offered, stored });
    }
    if (page.rows.length < PAGE) break;
    if (!search.isSameFact && conflicts.length >= search.listed) {
      // Every further candidate is a conflict: count them without fetching them.
      const rest = await client.query('MOVE FORWARD ALL IN import_conflicts');
      conflictCount += rest.rowCount ?? 0;
      break;
    }
  }
  await client.query('CLOSE import_conflicts');
  return { conflicts, conflictCount };
}

/** The last event this transaction wrote (the log-order index answers it directly). */
export async function lastWritten(client: PoolClient): Promise<LogPosition | null> {
  const last = await client.query<{ transaction_id: string; global_position: string }>(
    `SELECT e.transaction_id::text AS transaction_id, e.global_position::text AS global_position
     FROM events e WHERE e.transaction_id = pg_current_xact_id()
     ORDER BY e.global_position DESC LIMIT 1`,
  );
  const row = last.rows[0];
  return row ? { transactionId: row.transaction_id, globalPosition: row.global_position } : null;
}
