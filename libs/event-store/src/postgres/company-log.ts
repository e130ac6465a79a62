import type { Pool } from 'pg';
import type { CompanyLogPage, LogPosition, ReadCompanyLogOptions } from '../event-store.port';
import { EVENT_COLUMNS, type EventRow, toRecordedEvent } from './event-rows';

type PageRow = { [K in keyof EventRow]: EventRow[K] | null } & {
  horizon_tx: string | null;
  horizon_pos: string | null;
};

/**
 * One company's events a page at a time (`EventStore.readCompanyLog`), through the
 * `events_by_company` index (migration 002). Same visibility rule as `readAll`: only rows
 * with `transaction_id < pg_snapshot_xmin(pg_current_snapshot())`.
 *
 * One statement, so the page and the visibility horizon come from one snapshot; the horizon
 * rides on every row, and on a lone row of nulls when the page is empty.
 */
export async function readCompanyLog(
  pool: Pool,
  companyId: string,
  options: ReadCompanyLogOptions,
): Promise<CompanyLogPage> {
  const { after, direction, maxCount } = options;
  if (!Number.isSafeInteger(maxCount) || maxCount < 1) {
    throw new RangeError(`maxCount must be a positive integer, got ${maxCount}`);
  }
  const order = direction === 'forwards' ? 'ASC' : 'DESC';
  const beyond = direction === 'forwards' ? '>' : '<';
  // Without a cursor the condition is left out rather than OR-ed away, so the plan is the
  // same index range scan either way.
  const cursor =
    after === null
      ? ''
      : `AND (e.transaction_id, e.global_position) ${beyond} ($3::xid8, $4::bigint)`;
  const result = await pool.query<PageRow>(
    `WITH visible AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
     horizon AS (
       SELECT e.transaction_id AS horizon_tx, e.global_position AS horizon_pos
       FROM events e, visible v
       WHERE e.transaction_id < v.xmin
       ORDER BY e.transaction_id DESC, e.global_position DESC LIMIT 1
     ),
     page AS (
       SELECT e.* FROM events e, visible v
       WHERE e.metadata->>'companyId' = $1
         AND e.transaction_id < v.xmin
         ${cursor}
       ORDER BY e.transaction_id ${order}, e.global_position ${order}
       LIMIT $2
     )
     SELECT ${EVENT_COLUMNS},
            h.horizon_tx::text AS horizon_tx, h.horizon_pos::text AS horizon_pos
     FROM (SELECT 1) one
     LEFT JOIN horizon h ON true
     LEFT JOIN page p ON true
     ORDER BY p.transaction_id ${order}, p.global_position ${order}`,
    [
      companyId,
      // One more than asked: whether it comes back says whether there is more.
      maxCount + 1,
      ...(after === null ? [] : [after.transactionId, after.globalPosition]),
    ],
  );
  const first = result.rows[0];
  const visibleUpTo: LogPosition | null =
    first?.horizon_tx && first.horizon_pos
      ? { transactionId: first.horizon_tx, globalPosition: first.horizon_pos }
      : null;
  const events = result.rows.filter(isEventRow).map(toRecordedEvent);
  return { events: events.slice(0, maxCount), more: events.length > maxCount, visibleUpTo };
}

function isEventRow(row: PageRow): row is PageRow & EventRow {
  return row.event_id !== null;
}

/** True once the transaction of `position` has ended for every reader. */
export async function isVisible(pool: Pool, position: LogPosition): Promise<boolean> {
  const result = await pool.query<{ visible: boolean }>(
    `SELECT $1::xid8 < pg_snapshot_xmin(pg_current_snapshot()) AS visible`,
    [position.transactionId],
  );
  return result.rows[0]?.visible === true;
}

/**
 * The last committed event in log order (`EventStore.headPosition`): one backward step on the
 * `events_log_order` index. Ordered by (transaction_id, global_position), not
 * max(global_position): a sequence number is taken at insert, so the highest one may belong
 * to a transaction ordered before another committed one. Rows of transactions still open
 * are not in this statement's snapshot, and nothing waits for them.
 */
export async function headPosition(pool: Pool): Promise<LogPosition | null> {
  const result = await pool.query<{ transaction_id: string; global_position: string }>(
    `SELECT e.transaction_id::text AS transaction_id, e.global_position::text AS global_position
     FROM events e
     ORDER BY e.transaction_id DESC, e.global_position DESC
     LIMIT 1`,
  );
  const row = result.rows[0];
  return row ? { transactionId: row.transaction_id, globalPosition: row.global_position } : null;
}
