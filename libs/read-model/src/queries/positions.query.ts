import { type LogPosition } from '@cvf/event-store';
import { quoteSchema, type Queryable } from '../sql';

type PositionRow = { transaction_id: string; global_position: string };

const toPosition = (row: PositionRow | undefined): LogPosition | null =>
  row ? { transactionId: row.transaction_id, globalPosition: row.global_position } : null;

/** How far the projection has read the log; null before its first batch. */
export async function projectionPosition(
  db: Queryable,
  schema: string,
): Promise<LogPosition | null> {
  const result = await db.query<PositionRow>(
    `SELECT transaction_id::text, global_position::text
     FROM ${quoteSchema(schema)}.projection_checkpoint`,
  );
  return toPosition(result.rows[0]);
}

/** The last event of this company the read models reflect; null if none. */
export async function companyPosition(
  db: Queryable,
  schema: string,
  companyId: string,
): Promise<LogPosition | null> {
  const result = await db.query<PositionRow>(
    `SELECT transaction_id::text, global_position::text
     FROM ${quoteSchema(schema)}.company_positions WHERE company_id = $1`,
    [companyId],
  );
  return toPosition(result.rows[0]);
}
