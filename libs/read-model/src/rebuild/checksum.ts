import { createHash } from 'node:crypto';
import { type Pool } from 'pg';
import { quoteSchema } from '../sql';

/** Bookkeeping that legitimately differs between two builds of the same log. */
const NOT_READ_MODEL_DATA = [
  'migrations',
  'projection_checkpoint',
  'company_positions',
  'recompute_outbox',
];

/**
 * A digest of every read-model table's content (md5 over its rows in a fixed order), to
 * check that two builds of the same log agree, e.g. incremental versus rebuilt. Checkpoints
 * and the outbox are left out. Read in one snapshot so a running projector cannot tear it.
 */
export async function readModelChecksum(pool: Pool, schema: string): Promise<string> {
  const s = quoteSchema(schema);
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const tables = await client.query<{ table_name: string }>(
      `SELECT table_name::text FROM information_schema.tables
       WHERE table_schema = $1 AND table_type = 'BASE TABLE' AND NOT table_name = ANY($2::text[])
       ORDER BY table_name`,
      [schema, NOT_READ_MODEL_DATA],
    );
    const digest = createHash('md5');
    for (const { table_name } of tables.rows) {
      const rows = await client.query<{ rows: number; md5: string }>(
        `SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))
         FROM ${s}."${table_name}" t`,
      );
      const row = rows.rows[0];
      digest.update(`${table_name}:${row?.rows ?? 0}:${row?.md5 ?? ''}\n`);
    }
    await client.query('COMMIT');
    return digest.digest('hex');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
