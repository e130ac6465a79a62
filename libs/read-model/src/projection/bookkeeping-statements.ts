import { encodePosition, type LogPosition } from '@cvf/event-store';
import { type PoolClient } from 'pg';
import { pgArray } from '../sql';

/** Last applied position per company, read under the projection lock. */
export async function loadCompanyPositions(
  client: PoolClient,
  s: string,
  companyIds: readonly string[],
): Promise<Map<string, LogPosition>> {
  const positions = new Map<string, LogPosition>();
  if (companyIds.length === 0) return positions;
  const result = await client.query<{
    company_id: string;
    transaction_id: string;
    global_position: string;
  }>(
    `SELECT company_id, transaction_id::text, global_position::text
     FROM ${s}.company_positions WHERE company_id = ANY($1::text[])`,
    [companyIds],
  );
  for (const row of result.rows) {
    positions.set(row.company_id, {
      transactionId: row.transaction_id,
      globalPosition: row.global_position,
    });
  }
  return positions;
}

export async function saveCompanyPositions(
  client: PoolClient,
  s: string,
  positions: ReadonlyMap<string, LogPosition>,
): Promise<void> {
  if (positions.size === 0) return;
  const entries = [...positions];
  await client.query(
    `INSERT INTO ${s}.company_positions (company_id, transaction_id, global_position)
     SELECT * FROM unnest($1::text[], $2::xid8[], $3::bigint[])
     ON CONFLICT (company_id) DO UPDATE
       SET transaction_id = EXCLUDED.transaction_id, global_position = EXCLUDED.global_position`,
    [
      pgArray(entries.map(([id]) => id)),
      pgArray(entries.map(([, p]) => p.transactionId)),
      pgArray(entries.map(([, p]) => p.globalPosition)),
    ],
  );
}

/**
 * Moves the checkpoint forward, never back: a batch re-delivered from behind it (or a live
 * batch right after a rebuild switched in a schema that is further along) leaves it alone.
 */
export async function advanceCheckpoint(
  client: PoolClient,
  s: string,
  position: LogPosition,
): Promise<void> {
  await client.query(
    `INSERT INTO ${s}.projection_checkpoint AS c (transaction_id, global_position)
     VALUES ($1::xid8, $2::bigint)
     ON CONFLICT (singleton) DO UPDATE
       SET transaction_id = EXCLUDED.transaction_id, global_position = EXCLUDED.global_position,
           updated_at = now()
       WHERE (c.transaction_id, c.global_position) < (EXCLUDED.transaction_id, EXCLUDED.global_position)`,
    [position.transactionId, position.globalPosition],
  );
}

/** One outbox row per dirty company: what a recompute job is made of, before formatting. */
export interface DirtyCompany {
  readonly companyId: string;
  /** Ascending month indexes, or 'all'. */
  readonly cohortMonths: readonly number[] | 'all';
  readonly position: LogPosition;
}

export async function writeOutbox(
  client: PoolClient,
  s: string,
  dirty: readonly DirtyCompany[],
): Promise<void> {
  if (dirty.length === 0) return;
  await client.query(
    `INSERT INTO ${s}.recompute_outbox (company_id, cohort_months, position)
     SELECT company_id, cohort_months::integer[], position
     FROM unnest($1::text[], $2::text[], $3::text[]) AS x(company_id, cohort_months, position)`,
    [
      pgArray(dirty.map((d) => d.companyId)),
      // An array literal per row: unnest cannot take a ragged integer[][].
      pgArray(
        dirty.map((d) => (d.cohortMonths === 'all' ? null : `{${d.cohortMonths.join(',')}}`)),
      ),
      pgArray(dirty.map((d) => encodePosition(d.position))),
    ],
  );
}
