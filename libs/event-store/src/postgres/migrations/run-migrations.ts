import type { Pool } from 'pg';

export interface Migration {
  readonly id: string;
  readonly sql: string;
}

export interface MigrationSet {
  /** Advisory lock key and log table name, e.g. 'event_store' → event_store_migrations. */
  readonly name: string;
  /** Append only: an applied migration is never edited, a change is a new entry. */
  readonly migrations: readonly Migration[];
}

const NAME = /^[a-z][a-z0-9_]{0,40}$/;

/**
 * Applies the pending migrations of one set in one transaction behind an advisory lock, so
 * processes starting together apply each migration exactly once (the others wait, then find
 * nothing to do) and a failed migration leaves no half-built schema. Every component that
 * owns tables (event store, read models, ingest) keeps its own set.
 */
export async function runMigrations(
  pool: Pool,
  set: MigrationSet,
): Promise<{ applied: readonly string[] }> {
  if (!NAME.test(set.name)) throw new RangeError(`'${set.name}' is not a valid migration set name`);
  const table = `${set.name}_migrations`;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `cvf.${set.name}.migrations`,
    ]);
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${table} (
        id         text        PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const done = await client.query<{ id: string }>(`SELECT id FROM ${table}`);
    const appliedBefore = new Set(done.rows.map((row) => row.id));
    const applied: string[] = [];
    for (const migration of set.migrations) {
      if (appliedBefore.has(migration.id)) continue;
      await client.query(migration.sql);
      await client.query(`INSERT INTO ${table} (id) VALUES ($1)`, [migration.id]);
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
