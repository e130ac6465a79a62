import type { Pool } from 'pg';
import { createEventStore } from './001-create-event-store';
import { type MigrationSet, runMigrations } from './run-migrations';

/** The event store's own tables; its applied migrations are logged in event_store_migrations. */
export const EVENT_STORE_MIGRATIONS: MigrationSet = {
  name: 'event_store',
  migrations: [
    { id: '001-create-event-store', sql: createEventStore },
    {
      // The gateway's audit trail reads one company's events in log order.
      id: '002-events-by-company',
      sql: `CREATE INDEX events_by_company ON events ((metadata->>'companyId'), transaction_id, global_position)`,
    },
  ],
};

/** Brings the event store schema up to date; safe to call at every start, from every process. */
export function migrate(pool: Pool): Promise<{ applied: readonly string[] }> {
  return runMigrations(pool, EVENT_STORE_MIGRATIONS);
}
