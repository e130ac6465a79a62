import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@cvf/test-support';
import { eventStoreContract } from '../testing';
import { migrate } from './migrations/migrate';
import { PostgresEventStore } from './postgres-event-store';

eventStoreContract('PostgresEventStore', async () => {
  const database: TestDatabase = await createTestDatabase('event_store_contract');
  const pool = new Pool({ connectionString: database.url, max: 10 });
  await migrate(pool);
  const store = new PostgresEventStore(pool);
  return {
    store,
    dispose: async () => {
      await store.close();
      await pool.end();
      await database.drop();
    },
  };
});
