import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@cvf/test-support';
import { migrate } from './migrate';
import { runMigrations } from './run-migrations';

let database: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  database = await createTestDatabase('event_store_migrate');
  pool = new Pool({ connectionString: database.url, max: 6 });
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

it('applies each migration once even when several processes start together', async () => {
  const runs = await Promise.all(Array.from({ length: 4 }, () => migrate(pool)));

  const applied = runs.flatMap((run) => run.applied);
  expect(applied).toEqual(['001-create-event-store', '002-events-by-company']);
  const recorded = await pool.query<{ id: string }>('SELECT id FROM event_store_migrations');
  expect(recorded.rows.map((row) => row.id)).toEqual([
    '001-create-event-store',
    '002-events-by-company',
  ]);
});

it('does nothing when the schema is up to date', async () => {
  expect(await migrate(pool)).toEqual({ applied: [] });
  const tables = await pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = 'public' ORDER BY table_name`,
  );
  expect(tables.rows.map((row) => row.table_name)).toEqual([
    'event_store_migrations',
    'events',
    'streams',
  ]);
});

it('leaves nothing behind when a migration of a set fails', async () => {
  const broken = {
    name: 'broken_set',
    migrations: [
      { id: '001-good', sql: 'CREATE TABLE broken_set_good (id int)' },
      { id: '002-bad', sql: 'CREATE TABLE broken_set_bad (id no_such_type)' },
    ],
  };
  await expect(runMigrations(pool, broken)).rejects.toThrow(/no_such_type/);

  const tables = await pool.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'broken_set%'`,
  );
  expect(tables.rows).toEqual([]);
});

it('refuses a set name that could not safely name a table', async () => {
  await expect(
    runMigrations(pool, { name: 'x; DROP TABLE events', migrations: [] }),
  ).rejects.toThrow(RangeError);
});

describe('a set applied inside a schema', () => {
  const perSchema = {
    name: 'per_schema',
    migrations: [
      { id: '001-things', sql: (s: string) => `CREATE TABLE ${s}.things (id int PRIMARY KEY)` },
      { id: '002-plain', sql: 'SELECT 1' },
    ],
  };
  const tablesIn = async (schema: string) =>
    (
      await pool.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables
         WHERE table_schema = $1 ORDER BY table_name`,
        [schema],
      )
    ).rows.map((row) => row.table_name);

  it('creates the schema, logs inside it and applies each migration once per schema', async () => {
    const runs = await Promise.all([
      runMigrations(pool, perSchema, { schema: 'scoped_a' }),
      runMigrations(pool, perSchema, { schema: 'scoped_a' }),
      runMigrations(pool, perSchema, { schema: 'scoped_b' }),
    ]);

    expect(runs.map((run) => run.applied.length).sort()).toEqual([0, 2, 2]);
    expect(await tablesIn('scoped_a')).toEqual(['migrations', 'things']);
    expect(await tablesIn('scoped_b')).toEqual(['migrations', 'things']);
    const log = await pool.query<{ id: string }>('SELECT id FROM scoped_b.migrations ORDER BY id');
    expect(log.rows.map((row) => row.id)).toEqual(['001-things', '002-plain']);
    expect(await runMigrations(pool, perSchema, { schema: 'scoped_b' })).toEqual({ applied: [] });
    // Nothing outside the schemas: no per_schema_migrations beside event_store_migrations.
    expect(await tablesIn('public')).not.toContain('per_schema_migrations');
  });

  it('leaves not even the schema behind when one of its migrations fails', async () => {
    const broken = {
      name: 'per_schema',
      migrations: [
        ...perSchema.migrations,
        { id: '003-bad', sql: (s: string) => `CREATE TABLE ${s}.bad (id no_such_type)` },
      ],
    };
    await expect(runMigrations(pool, broken, { schema: 'scoped_broken' })).rejects.toThrow(
      /no_such_type/,
    );
    const schemas = await pool.query(
      `SELECT 1 FROM information_schema.schemata WHERE schema_name = 'scoped_broken'`,
    );
    expect(schemas.rows).toEqual([]);
  });

  it('refuses a schema name that could not safely be spliced into SQL', async () => {
    await expect(runMigrations(pool, perSchema, { schema: 'a"; DROP' })).rejects.toThrow(
      RangeError,
    );
  });

  it('refuses SQL that needs a schema when none is given', async () => {
    await expect(runMigrations(pool, perSchema)).rejects.toThrow(/needs a schema/);
    expect(await tablesIn('public')).not.toContain('per_schema_migrations');
  });
});
