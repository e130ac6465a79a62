import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { migrate, PostgresEventStore } from '@cvf/event-store';
import { migrateReadModel, ReadModelQueries } from '@cvf/read-model';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase, testServices } from '@cvf/test-support';
import {
  appendInOrder,
  companyHistory,
  expectedCohortTotals,
  paymentEvent,
  type StreamEvent,
  toNewEvent,
  waitUntilVisible,
} from '@cvf/read-model/testing';
import {
  type AppProcess,
  eventually as eventuallyWithin,
  startAppProcess,
  untilReady,
} from '@cvf/platform/testing';

const eventually = (what: string, check: () => Promise<boolean> | boolean) =>
  eventuallyWithin(what, check, 25_000);

// Generous: another process's long transaction anywhere in the cluster delays log readers
// (they only see events below the oldest transaction still open).
jest.setTimeout(60_000);

describe('projector (built app, own process)', () => {
  const suffix = randomBytes(4).toString('hex');
  const queueName = `cvftest-projector-${suffix}`;
  let database: TestDatabase;
  let pool: Pool;
  let store: PostgresEventStore;
  let queries: ReadModelQueries;
  let redis: Redis;
  let queue: Queue;
  let projector: AppProcess;

  beforeAll(async () => {
    database = await createTestDatabase('projector_e2e');
    pool = new Pool({ connectionString: database.url, max: 4 });
    await migrate(pool);
    await migrateReadModel(pool);
    store = new PostgresEventStore(pool);
    queries = new ReadModelQueries(pool);
    redis = new Redis(testServices.redisUrl, { maxRetriesPerRequest: null });
    queue = new Queue(queueName, { connection: redis });
  });

  afterAll(async () => {
    if (projector.child.exitCode === null) projector.child.kill('SIGKILL');
    await queue.obliterate({ force: true });
    await queue.close();
    const keys = await redis.keys(`cvftest:projector-${suffix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await store.close();
    await pool.end();
    await database.drop();
  });

  const sortedTotals = (events: readonly StreamEvent[]) =>
    [...expectedCohortTotals(events).values()].sort((a, b) => a.cohortMonth - b.cohortMonth);

  async function projected(companyId: string, events: readonly StreamEvent[]): Promise<boolean> {
    const totals = await queries.loadCohortTotals(companyId, 'all');
    return JSON.stringify([...totals.values()]) === JSON.stringify(sortedTotals(events));
  }

  it('hands outbox leftovers over on start, then follows the log and reports ready', async () => {
    await pool.query(
      `INSERT INTO read_model.recompute_outbox (company_id, cohort_months, position)
       VALUES ('left-over', '{24240}', '1:1')`,
    );
    const history = companyHistory('live-co', 5, 80);
    await appendInOrder(store, history.slice(0, 50));
    projector = await startAppProcess('projector', {
      DATABASE_URL: database.url,
      REDIS_URL: testServices.redisUrl,
      RECOMPUTE_QUEUE: queueName,
      CACHE_PREFIX: `cvftest:projector-${suffix}`,
    });
    await untilReady(projector);
    await appendInOrder(store, history.slice(50));
    await waitUntilVisible(store, history.length, null, 45_000);
    await eventually('the whole history is projected', () => projected('live-co', history));

    await eventually('the outbox is handed over', async () => {
      const left = await pool.query('SELECT 1 FROM read_model.recompute_outbox');
      return left.rowCount === 0;
    });
    const jobs = await queue.getJobs(['waiting', 'active', 'completed', 'delayed', 'prioritized']);
    expect(new Set(jobs.map((job) => (job.data as { companyId: string }).companyId))).toEqual(
      new Set(['left-over', 'live-co']),
    );

    expect(await projector.get('/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
    const ready = await projector.get('/health/ready');
    expect(ready.body).toMatchObject({
      status: 'ok',
      info: { postgresql: { status: 'up' }, subscription: { status: 'up' } },
    });
  });

  it('keeps projecting when its database connections are cut', async () => {
    await pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = 'cvf'`,
    );
    const more = companyHistory('after-cut', 3, 40);
    const before = await queries.projectionPosition();
    await appendInOrder(store, more);
    await waitUntilVisible(store, more.length, before, 45_000);
    await eventually('events after the cut are projected', () => projected('after-cut', more));
    expect(await projected('live-co', companyHistory('live-co', 5, 80))).toBe(true);
    await untilReady(projector);
  });

  it('stops at an event it cannot read, reports not ready, and keeps retrying from its checkpoint', async () => {
    const position = await queries.projectionPosition();
    const corrupt = toNewEvent(
      paymentEvent('poison-co', 'p1', {
        type: 'PaymentRecorded',
        data: {
          payment_id: 'p1',
          customer_id: 'c1',
          payment_date: '2020-01-01',
          amount: 'ten',
          source: 'api',
        },
      }),
    );
    await store.append('payment-poison~co-p1', [corrupt], { kind: 'no-stream' });
    await waitUntilVisible(store, 1, position, 45_000);
    // (The platform's problem filter turns terminus's 503 body into a plain problem.)
    await eventually(
      'readiness reports the stopped subscription',
      async () => (await projector.get('/health/ready')).status === 503,
    );
    expect(await queries.projectionPosition()).toEqual(position);
  });

  it('stops on SIGTERM after the batch in flight, and exits cleanly', async () => {
    const started = Date.now();
    projector.child.kill('SIGTERM');
    // Nest re-raises the signal once its shutdown hooks are done; an error there exits 1.
    expect(await projector.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(Date.now() - started).toBeLessThan(5_000);
    const position = await queries.projectionPosition();
    await appendInOrder(store, companyHistory('after-stop', 2, 5));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await queries.projectionPosition()).toEqual(position);
  });
});
