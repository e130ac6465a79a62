import { type LogPosition } from '@cvf/event-store';
import { quoteSchema, type Queryable } from '../sql';

export interface ReadModelPositions {
  /** How far the projection has read the log; null before its first batch. */
  readonly projection: LogPosition | null;
  /** The last event of the company the read models reflect; null if none. */
  readonly company: LogPosition | null;
}

/**
 * Both positions from ONE snapshot. Read apart, a batch committing in between could show a
 * projection past a write while the company's position still predates it, and a reader
 * would take results lacking that write for complete.
 */
export async function readModelPositions(
  db: Queryable,
  schema: string,
  companyId: string,
): Promise<ReadModelPositions> {
  const s = quoteSchema(schema);
  const result = await db.query<{
    projection_tx: string | null;
    projection_pos: string | null;
    company_tx: string | null;
    company_pos: string | null;
  }>(
    `SELECT p.transaction_id::text AS projection_tx, p.global_position::text AS projection_pos,
            c.transaction_id::text AS company_tx, c.global_position::text AS company_pos
     FROM (SELECT 1) one
     LEFT JOIN ${s}.projection_checkpoint p ON true
     LEFT JOIN ${s}.company_positions c ON c.company_id = $1`,
    [companyId],
  );
  const row = result.rows[0];
  const position = (tx: string | null | undefined, pos: string | null | undefined) =>
    tx && pos ? { transactionId: tx, globalPosition: pos } : null;
  return {
    projection: position(row?.projection_tx, row?.projection_pos),
    company: position(row?.company_tx, row?.company_pos),
  };
}
