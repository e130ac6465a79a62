import type { Pool } from 'pg';
import { DEFAULT_READ_MODEL_SCHEMA, quoteSchema } from '../sql';
import { createReadModel } from './001-create-read-model';

interface Migration {
  readonly id: string;
  readonly sql: (quotedSchema: string) => string;
}

/** Append only: an applied migration is never edited, a change is a new entry. */
const MIGRATIONS: readonly Migration[] = [{ id: '001-create-read-model', sql: createReadModel }];

/**
 * Brings one read-model schema up to date; safe at every start. The event store's runner is
 * bound to its own list and table, so this one is separate but deliberately the same shape:
 * one transaction behind an advisory lock per schema, so concurrent starters apply each
 * migration once and a failure leaves no half-built schema. The ledger lives inside the
 * schema, so a rebuilt schema carries its own when it is renamed into place.
 */
export async function migrateReadModel(
  pool: Pool,
  schema: string = DEFAULT_READ_MODEL_SCHEMA,
): Promise<{ applied: readonly string[] }> {
  const s = quoteSchema(schema);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `cvf.read-model.migrations:${schema}`,
    ]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${s}.migrations (
        id         text        PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const done = await client.query<{ id: string }>(`SELECT id FROM ${s}.migrations`);
    const appliedBefore = new Set(done.rows.map((row) => row.id));
    const applied: string[] = [];
    for (const migration of MIGRATIONS) {
      if (appliedBefore.has(migration.id)) continue;
      await client.query(migration.sql(s));
      await client.query(`INSERT INTO ${s}.migrations (id) VALUES ($1)`, [migration.id]);
      applied.push(migration.id);
    }
    await client.query('COMMIT');
    return { applied };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
