import type { PoolClient } from 'pg';
import type { LogPosition, NewEvent, StreamAppend } from '../event-store.port';
import type { AppendDecision, StoredEventRef } from './append-plan';

// The statements of an append transaction. Each takes arrays (unnest) and runs once per
// chunk, so a batch of a million events is a few hundred statements, not a million.

export interface StreamVersion {
  readonly version: number;
  /** The stream's last append came from a transaction with a larger id than ours. */
  readonly lastWriterIsLater: boolean;
}

/** Creates the rows of streams that do not exist yet; returns the ids it created. */
export async function claimNewStreams(
  client: PoolClient,
  chunkSize: number,
  entries: readonly StreamAppend[],
): Promise<Set<string>> {
  const created = new Set<string>();
  for (const chunk of chunks(entries, chunkSize)) {
    const result = await client.query<{ stream_id: string }>(
      `INSERT INTO streams (stream_id, version, last_transaction_id)
       SELECT id, n, pg_current_xact_id() FROM unnest($1::text[], $2::bigint[]) AS s(id, n)
       ON CONFLICT (stream_id) DO NOTHING
       RETURNING stream_id`,
      [chunk.map((e) => e.streamId), chunk.map((e) => e.events.length)],
    );
    for (const row of result.rows) created.add(row.stream_id);
  }
  return created;
}

export async function readStreamVersions(
  client: PoolClient,
  chunkSize: number,
  entries: readonly StreamAppend[],
): Promise<Map<string, StreamVersion>> {
  const found = new Map<string, StreamVersion>();
  for (const chunk of chunks(entries, chunkSize)) {
    const result = await client.query<{ stream_id: string; version: string; later: boolean }>(
      `SELECT stream_id, version::text AS version,
              last_transaction_id > pg_current_xact_id() AS later
       FROM streams WHERE stream_id = ANY($1::text[])`,
      [chunk.map((e) => e.streamId)],
    );
    for (const row of result.rows) {
      found.set(row.stream_id, { version: Number(row.version), lastWriterIsLater: row.later });
    }
  }
  return found;
}

export async function readStoredEvents(
  client: PoolClient,
  chunkSize: number,
  entries: readonly StreamAppend[],
): Promise<Map<string, StoredEventRef>> {
  const stored = new Map<string, StoredEventRef>();
  const eventIds = entries.flatMap((e) => e.events.map((event) => event.eventId));
  for (const chunk of chunks(eventIds, chunkSize)) {
    const result = await client.query<{
      event_id: string;
      stream_id: string;
      transaction_id: string;
      global_position: string;
    }>(
      `SELECT event_id::text AS event_id, stream_id, transaction_id::text AS transaction_id,
              global_position::text AS global_position
       FROM events WHERE event_id = ANY($1::uuid[])`,
      [chunk],
    );
    for (const row of result.rows) {
      stored.set(row.event_id, {
        streamId: row.stream_id,
        position: { transactionId: row.transaction_id, globalPosition: row.global_position },
      });
    }
  }
  return stored;
}

interface EventToWrite {
  readonly streamId: string;
  readonly version: number;
  readonly event: NewEvent;
}

/**
 * Inserts the events and signals `notifyChannel` in the same statement (one round trip less
 * per append). The notification is delivered at commit, only if the transaction commits, and
 * PostgreSQL folds identical ones of a transaction into one, so a chunked batch wakes
 * subscribers once.
 */
export async function insertEvents(
  client: PoolClient,
  chunkSize: number,
  appends: readonly Extract<AppendDecision, { kind: 'append' }>[],
  notifyChannel: string,
): Promise<LogPosition | null> {
  const rows: EventToWrite[] = appends.flatMap((d) =>
    d.events.map((event, i) => ({ streamId: d.streamId, version: d.firstVersion + i, event })),
  );
  let last: LogPosition | null = null;
  for (const chunk of chunks(rows, chunkSize)) {
    // WITH ORDINALITY ... ORDER BY keeps global positions in the order of the arrays, so a
    // stream's events get increasing positions as well as increasing versions. Ids and JSON
    // travel as text[] and are cast per element: measurably cheaper than uuid[] / jsonb[]
    // array literals.
    const result = await client.query<{ transaction_id: string; global_position: string }>(
      `WITH written AS (
         INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata)
         SELECT stream_id, stream_version, event_id::uuid, type, schema_version,
                data::jsonb, metadata::jsonb
         FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::integer[],
                     $6::text[], $7::text[])
           WITH ORDINALITY AS e(stream_id, stream_version, event_id, type, schema_version,
                                data, metadata, ord)
         ORDER BY ord
         RETURNING transaction_id, global_position
       )
       SELECT transaction_id::text AS transaction_id, max(global_position)::text AS global_position,
              pg_notify($8, '')::text AS notified
       FROM written GROUP BY transaction_id`,
      [
        chunk.map((r) => r.streamId),
        chunk.map((r) => r.version),
        chunk.map((r) => r.event.eventId),
        chunk.map((r) => r.event.type),
        chunk.map((r) => r.event.schemaVersion),
        chunk.map((r) => dataAsJson(r.event)),
        chunk.map((r) => JSON.stringify(storedMetadata(r.event))),
        notifyChannel,
      ],
    );
    const row = result.rows[0];
    if (row) last = { transactionId: row.transaction_id, globalPosition: row.global_position };
  }
  return last;
}

/** Moves existing streams to their new version and marks this transaction as last writer. */
export async function recordNewVersions(
  client: PoolClient,
  chunkSize: number,
  appends: readonly Extract<AppendDecision, { kind: 'append' }>[],
): Promise<void> {
  for (const chunk of chunks(appends, chunkSize)) {
    await client.query(
      `UPDATE streams SET version = s.version, last_transaction_id = pg_current_xact_id()
       FROM unnest($1::text[], $2::bigint[]) AS s(id, version)
       WHERE streams.stream_id = s.id`,
      [chunk.map((d) => d.streamId), chunk.map((d) => d.firstVersion + d.events.length - 1)],
    );
  }
}

export function dataAsJson({ eventId, data }: NewEvent): string {
  const json = JSON.stringify(data);
  if (json === undefined) throw new RangeError(`event ${eventId}: data is not JSON`);
  return json;
}

/** Only the documented fields are stored, whatever else the caller's object carries. */
export function storedMetadata({ metadata }: NewEvent): NewEvent['metadata'] {
  const { companyId, occurredAt, actor, causationId, correlationId } = metadata;
  return { companyId, occurredAt, actor, causationId, correlationId };
}

function* chunks<T>(items: readonly T[], size: number): Generator<readonly T[]> {
  for (let start = 0; start < items.length; start += size) {
    yield items.slice(start, start + size);
  }
}
