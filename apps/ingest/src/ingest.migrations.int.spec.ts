import { runMigrations } from '@cvf/event-store';
import { createTestDatabase, type TestDatabase } from '@cvf/test-support';
import { Pool } from 'pg';
import { INGEST_MIGRATIONS } from './ingest.migrations';

// The delivery log's migration on rows an earlier version wrote: outcomes split from their
// reason, and "already_recorded" read as the duplicate it was.

let database: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  database = await createTestDatabase('ingest_migrations');
  pool = new Pool({ connectionString: database.url, max: 2 });
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

it('005 keeps every delivery an earlier version logged, with its outcome and reason apart', async () => {
  const before005 = INGEST_MIGRATIONS.migrations.filter((m) => m.id < '005');
  await runMigrations(pool, { name: INGEST_MIGRATIONS.name, migrations: before005 });
  await pool.query(
    `INSERT INTO ingest.webhook_deliveries (company_id, provider, event_id, event_type, outcome)
     VALUES ('acme', 'stripe', 'evt_1', 'charge.succeeded', 'recorded'),
            ('acme', 'stripe', 'evt_2', 'charge.succeeded', 'already_recorded'),
            ('acme', 'stripe', 'evt_3', 'customer.created',
             'ignored: event type customer.created does not change payments')`,
  );
  const through005 = INGEST_MIGRATIONS.migrations.filter((m) => m.id < '006');
  expect(
    await runMigrations(pool, { name: INGEST_MIGRATIONS.name, migrations: through005 }),
  ).toEqual({ applied: ['005-delivery-log'] });
  const { rows } = await pool.query(
    `SELECT event_id, outcome, reason, deliveries, handled_at IS NOT NULL AS handled
     FROM ingest.webhook_deliveries ORDER BY event_id`,
  );
  const epoch = await pool.query('SELECT count(*)::int AS n FROM ingest.payment_ids_epoch');
  expect(epoch.rows).toEqual([{ n: 1 }]);
  expect(rows).toEqual([
    { event_id: 'evt_1', outcome: 'recorded', reason: null, deliveries: 1, handled: true },
    { event_id: 'evt_2', outcome: 'duplicate', reason: null, deliveries: 1, handled: true },
    {
      event_id: 'evt_3',
      outcome: 'ignored',
      reason: 'event type customer.created does not change payments',
      deliveries: 1,
      handled: true,
    },
  ]);
});
