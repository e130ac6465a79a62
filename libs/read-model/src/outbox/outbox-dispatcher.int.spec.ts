import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@cvf/test-support';
import { migrateReadModel } from '../migrations/migrate';
import { ReadModelProjection } from '../projection/read-model-projection';
import { companyHistory } from '../testing/company-history';
import { SyntheticLog } from '../testing/events';
import { RecomputeOutboxDispatcher } from './outbox-dispatcher';
import { type RecomputeJob } from './recompute-scheduler.port';

describe('RecomputeOutboxDispatcher', () => {
  let database: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    database = await createTestDatabase('read_model_outbox');
    pool = new Pool({ connectionString: database.url, max: 4 });
    await migrateReadModel(pool);
  });

  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  const pending = async () =>
    (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM read_model.recompute_outbox'))
      .rows[0]!.n;

  it('keeps the rows when the scheduler fails, then hands them over merged per company and deletes them', async () => {
    const log = new SyntheticLog();
    const projection = new ReadModelProjection(pool);
    const recorded = log.record([
      ...companyHistory('a-co', 3, 30),
      ...companyHistory('b-co', 3, 30),
    ]);
    const dirtyPerBatch: RecomputeJob[][] = [];
    for (let i = 0; i < recorded.length; i += 20) {
      dirtyPerBatch.push([...(await projection.applyBatch(recorded.slice(i, i + 20))).dirty]);
    }
    const rows = await pending();
    expect(rows).toBe(dirtyPerBatch.flat().length);

    const failing = new RecomputeOutboxDispatcher(pool, {
      schedule: () => Promise.reject(new Error('redis unavailable')),
    });
    await expect(failing.dispatchPending()).rejects.toThrow('redis unavailable');
    expect(await pending()).toBe(rows);

    const scheduled: (readonly RecomputeJob[])[] = [];
    const dispatcher = new RecomputeOutboxDispatcher(pool, {
      schedule: (jobs) => {
        scheduled.push(jobs);
        return Promise.resolve();
      },
    });
    expect(await dispatcher.dispatchPending()).toBe(rows);
    expect(await pending()).toBe(0);
    expect(scheduled).toHaveLength(1);
    const last = recorded.at(-1)!;
    expect(scheduled[0]).toEqual([
      // Both companies' terms include a threshold: every cohort is dirty.
      { companyId: 'a-co', cohortMonths: 'all', position: expect.any(String) as string },
      {
        companyId: 'b-co',
        cohortMonths: 'all',
        position: `${last.transactionId}:${last.globalPosition}`,
      },
    ]);
    expect(await dispatcher.dispatchPending()).toBe(0);
  });
});
