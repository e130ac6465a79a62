import type { Pool } from 'pg';

export interface Migration {
  readonly id: string;
  /**
   * The SQL. A set applied inside a schema (`runMigrations(pool, set, { schema })`) may give
   * it as a function of the double-quoted schema name, which it applies to every table.
   */
  readonly sql: string | ((quotedSchema: string) => string);
}

export interface MigrationSet {
  /** Advisory lock key and, outside a schema, log table name: 'event_store' → event_store_migrations. */
  readonly name: string;
  /** Append only: an applied migration is never edited, a change is a new entry. */
  readonly migrations: readonly Migration[];
}

export interface MigrationTarget {
  /**
   * Apply the set inside this schema (created when missing), with its log in
   * `<schema>.migrations` and a lock per schema: each schema is its own copy (read models
   * rebuilt side by side), and a schema renamed into place carries its log along.
   */
  readonly schema?: string;
}

const NAME = /^[a-z][a-z0-9_]{0,40}$/;
// Spliced into SQL (identifiers cannot be parameters): plain lowercase identifiers only, so
// the quoting can never be escaped.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Applies the pending migrations of one set in one transaction behind an advisory lock, so
 * processes starting together apply each migration exactly once (the others wait, then find
 * nothing to do) and a failed migration leaves no half-built schema. Every component that
 * owns tables (event store, ingest, messaging, each read-model schema) keeps its own set.
 */
export async function runMigrations(
  pool: Pool,
  set: MigrationSet,
  { schema }: MigrationTarget = {},
): Promise<{ applied: readonly string[] }> {
  if (!NAME.test(set.name)) throw new RangeError(`'${set.name}' is not a valid migration set name`);
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new RangeError(`'${schema}' is not a valid schema name`);
  }
  const quotedSchema = schema === undefined ? null : `"${schema}"`;
  const log = quotedSchema === null ? `${set.name}_migrations` : `${quotedSchema}.migrations`;
  const sqlOf = ({ id, sql }: Migration): string => {
    if (typeof sql === 'string') return sql;
    if (quotedSchema === null) {
      throw new RangeError(`migration ${id} of '${set.name}' needs a schema to be applied in`);
    }
    return sql(quotedSchema);
  };
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `cvf.${set.name}.migrations${schema === undefined ? '' : `:${schema}`}`,
    ]);
    if (quotedSchema !== null) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quotedSchema}`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${log} (
        id         text        PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const done = await client.query<{ id: string }>(`SELECT id FROM ${log}`);
    const appliedBefore = new Set(done.rows.map((row) => row.id));
    const applied: string[] = [];
    for (const migration of set.migrations) {
      if (appliedBefore.has(migration.id)) continue;
      await client.query(sqlOf(migration));
      await client.query(`INSERT INTO ${log} (id) VALUES ($1)`, [migration.id]);
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
