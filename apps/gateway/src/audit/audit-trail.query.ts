import { encodePosition, type LogPosition } from '@cvf/event-store';
import { type Pool } from 'pg';

/**
 * The audit trail: every event of one company (its company stream and all its payment
 * streams) straight from the event store's `events` table, read-only. The read models fold
 * events away; this shows them as recorded.
 *
 * Visibility as `readAll`: only rows with `transaction_id < pg_snapshot_xmin(...)` (every
 * transaction below the snapshot's xmin has ended), so a page can never show an event while
 * an earlier one of the log is still to commit, and a cursor never skips one that commits
 * late. Company filter: `metadata->>'companyId'`, which every event carries; at scale this
 * wants an expression index (see the gateway README note / report):
 *   CREATE INDEX events_by_company
 *     ON events ((metadata->>'companyId'), transaction_id, global_position);
 */
export interface AuditEvent {
  readonly position: string;
  readonly stream_id: string;
  readonly stream_version: number;
  readonly event_id: string;
  readonly type: string;
  readonly schema_version: number;
  readonly data: unknown;
  readonly metadata: {
    readonly company_id: string;
    readonly occurred_at: string;
    readonly actor: string;
    readonly causation_id: string | null;
    readonly correlation_id: string | null;
  };
  readonly recorded_at: string;
}

interface Row {
  transaction_id: string;
  global_position: string;
  stream_id: string;
  stream_version: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: {
    companyId: string;
    occurredAt: string;
    actor: string;
    causationId: string | null;
    correlationId: string | null;
  };
  recorded_at: Date;
}

export interface AuditPage {
  readonly events: readonly AuditEvent[];
  /** One more event exists beyond the page. */
  readonly more: boolean;
  /** The last event of the whole log visible to this read (what the page reflects). */
  readonly visibleUpTo: string | null;
}

export async function readAuditTrail(
  pool: Pool,
  companyId: string,
  page: { readonly after: LogPosition | null; readonly order: 'asc' | 'desc'; limit: number },
): Promise<AuditPage> {
  const asc = page.order === 'asc';
  const direction = asc ? 'ASC' : 'DESC';
  const after = asc ? '>' : '<';
  // One statement, so the page and the visibility horizon come from one snapshot; the
  // horizon rides on every row (and on a lone row of nulls when the page is empty).
  const result = await pool.query<
    Partial<Row> & { horizon_tx: string | null; horizon_pos: string | null }
  >(
    `WITH visible AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
     horizon AS (
       SELECT e.transaction_id, e.global_position FROM events e, visible v
       WHERE e.transaction_id < v.xmin
       ORDER BY e.transaction_id DESC, e.global_position DESC LIMIT 1
     ),
     page AS (
       SELECT e.* FROM events e, visible v
       WHERE e.metadata->>'companyId' = $1
         AND e.transaction_id < v.xmin
         AND ($2::xid8 IS NULL
              OR (e.transaction_id, e.global_position) ${after} ($2::xid8, $3::bigint))
       ORDER BY e.transaction_id ${direction}, e.global_position ${direction}
       LIMIT $4
     )
     SELECT p.transaction_id::text, p.global_position::text, p.stream_id,
            p.stream_version::text, p.event_id::text, p.type, p.schema_version, p.data,
            p.metadata, p.recorded_at,
            h.transaction_id::text AS horizon_tx, h.global_position::text AS horizon_pos
     FROM (SELECT 1) one
     LEFT JOIN horizon h ON true
     LEFT JOIN page p ON true
     ORDER BY p.transaction_id ${direction}, p.global_position ${direction}`,
    [
      companyId,
      page.after?.transactionId ?? null,
      page.after?.globalPosition ?? null,
      page.limit + 1,
    ],
  );
  const first = result.rows[0];
  const visibleUpTo =
    first?.horizon_tx && first.horizon_pos
      ? encodePosition({ transactionId: first.horizon_tx, globalPosition: first.horizon_pos })
      : null;
  const events = result.rows.flatMap((row) => (isEventRow(row) ? [auditEvent(row)] : []));
  return { events: events.slice(0, page.limit), more: events.length > page.limit, visibleUpTo };
}

function isEventRow(row: Partial<Row>): row is Row {
  return typeof row.event_id === 'string';
}

function auditEvent(row: Row): AuditEvent {
  return {
    position: encodePosition({
      transactionId: row.transaction_id,
      globalPosition: row.global_position,
    }),
    stream_id: row.stream_id,
    stream_version: Number(row.stream_version),
    event_id: row.event_id,
    type: row.type,
    schema_version: row.schema_version,
    data: row.data,
    metadata: {
      company_id: row.metadata.companyId,
      occurred_at: row.metadata.occurredAt,
      actor: row.metadata.actor,
      causation_id: row.metadata.causationId,
      correlation_id: row.metadata.correlationId,
    },
    recorded_at: row.recorded_at.toISOString(),
  };
}

/** True once the transaction of `position` has ended for every reader (it is visible). */
export async function isVisible(pool: Pool, position: LogPosition): Promise<boolean> {
  const result = await pool.query<{ visible: boolean }>(
    `SELECT $1::xid8 < pg_snapshot_xmin(pg_current_snapshot()) AS visible`,
    [position.transactionId],
  );
  return result.rows[0]?.visible === true;
}
