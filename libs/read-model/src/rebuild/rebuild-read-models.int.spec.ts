import { encodePosition, migrate, PostgresEventStore } from '@cvf/event-store';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@cvf/test-support';
import { migrateReadModel } from '../migrations/migrate';
import { type RecomputeJob } from '../outbox/recompute-scheduler.port';
import { ReadModelProjection } from '../projection/read-model-projection';
import { ReadModelQueries } from '../queries/read-model-queries';
import { companyHistory } from '../testing/company-history';
import { appendInOrder, waitUntilVisible } from '../testing/events';
import { readModelChecksum } from './checksum';
import {
  RebuildInProgressError,
  rebuildReadModels,
  type RebuildProgress,
} from './rebuild-read-models';

// Generous: another process's long transaction anywhere in the cluster delays log readers.
jest.setTimeout(30_000);

describe('rebuildReadModels', () => {
  let database: TestDatabase;
  let pool: Pool;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createTestDatabase('read_model_rebuild');
    pool = new Pool({ connectionString: database.url, max: 6 });
    await migrate(pool);
    await migrateReadModel(pool);
    store = new PostgresEventStore(pool);
  });

  afterAll(async () => {
    await store.close();
    await pool.end();
    await database.drop();
  });

  /** What the live projector does: small batches from its checkpoint until the log ends. */
  async function projectIncrementally(batchSize: number): Promise<number> {
    const projection = new ReadModelProjection(pool);
    const queries = new ReadModelQueries(pool);
    let after = await queries.projectionPosition();
    let events = 0;
    for (;;) {
      const page = await store.readAll(after, batchSize);
      if (page.events.length === 0) return events;
      await projection.applyBatch(page.events);
      events += page.events.length;
      after = page.checkpoint;
    }
  }

  it('replays the log into read models identical to the incrementally built ones and switches over', async () => {
    const history = ['alpha', 'beta', 'gamma'].flatMap((id, i) => companyHistory(id, 5 + i, 150));
    await appendInOrder(store, history);
    await waitUntilVisible(store, history.length);
    await projectIncrementally(7);
    const incremental = await readModelChecksum(pool, 'read_model');
    const livePosition = await new ReadModelQueries(pool).projectionPosition();

    const progress: RebuildProgress[] = [];
    const scheduled: RecomputeJob[] = [];
    const result = await rebuildReadModels({
      pool,
      eventStore: store,
      pageSize: 100,
      onProgress: (p) => progress.push(p),
      scheduler: {
        schedule: (jobs) => {
          scheduled.push(...jobs);
          return Promise.resolve();
        },
      },
    });

    expect(result.events).toBe(history.length);
    expect(result.companies).toBe(3);
    expect(result.position).toEqual(livePosition);
    expect(await readModelChecksum(pool, 'read_model')).toBe(incremental);
    expect(progress.map((p) => p.phase)).toContain('cohorts');
    expect(progress.filter((p) => p.phase === 'replay').at(-1)?.events).toBe(history.length);
    // Rebuilt read models may differ from what caches hold: every company is recomputed.
    expect(scheduled).toEqual(
      ['alpha', 'beta', 'gamma'].map((companyId) => ({
        companyId,
        cohortMonths: 'all',
        position: encodePosition(livePosition!),
      })),
    );
    const schemas = await pool.query<{ nspname: string }>(
      "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'read_model%' ORDER BY nspname",
    );
    expect(schemas.rows.map((r) => r.nspname)).toEqual(['read_model']);
  });

  it('carries the checkpoint: the live projector continues after the rebuild without a gap', async () => {
    const more = companyHistory('delta', 4, 60);
    const before = await new ReadModelQueries(pool).projectionPosition();
    await appendInOrder(store, more.slice(0, 30));
    await waitUntilVisible(store, 30, before);
    // The rebuild overtakes a live projection that has not seen the first 30 yet.
    const rebuilt = await rebuildReadModels({ pool, eventStore: store, pageSize: 1_000 });
    await appendInOrder(store, more.slice(30));
    await waitUntilVisible(store, more.length - 30, rebuilt.position);
    const continued = await projectIncrementally(11);
    expect(continued).toBe(more.length - 30);
    expect((await new ReadModelQueries(pool).projectionPosition())?.globalPosition).not.toBe(
      rebuilt.position?.globalPosition,
    );

    const live = await readModelChecksum(pool, 'read_model');
    await rebuildReadModels({ pool, eventStore: store });
    expect(await readModelChecksum(pool, 'read_model')).toBe(live);
  });

  it('refuses to run twice at once', async () => {
    const outcomes = await Promise.allSettled([
      rebuildReadModels({ pool, eventStore: store, pageSize: 50 }),
      rebuildReadModels({ pool, eventStore: store, pageSize: 50 }),
    ]);
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(RebuildInProgressError);
  });
});
