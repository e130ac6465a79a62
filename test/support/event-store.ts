import { migrate, PostgresEventStore } from '@cvf/event-store';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from './services';

/** A migrated event store on a database of one spec's own (see createTestDatabase). */
export interface TestEventStore {
  readonly database: TestDatabase;
  readonly pool: Pool;
  readonly store: PostgresEventStore;
  close(): Promise<void>;
}

export async function createTestEventStore(label: string, poolSize = 6): Promise<TestEventStore> {
  const database = await createTestDatabase(label);
  const pool = new Pool({ connectionString: database.url, max: poolSize });
  await migrate(pool);
  const store = new PostgresEventStore(pool);
  return {
    database,
    pool,
    store,
    close: async () => {
      await store.close();
      await pool.end();
      await database.drop();
    },
  };
}
