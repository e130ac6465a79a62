import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../../test/support/services';
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
