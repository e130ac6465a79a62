import { Client, Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/services';
import type { StreamAppend } from '../event-store.port';
import { aStreamId, anEvent, delay, eventually, rejectionOf, someEvents } from '../testing';
import { migrate } from './migrations/migrate';
import { PostgresEventStore } from './postgres-event-store';

// What the contract cannot say because it is about PostgreSQL: notifications, the
// per-stream ordering guard, bulk speed, and input checks.

let database: TestDatabase;
let pool: Pool;
let store: PostgresEventStore;

beforeAll(async () => {
  database = await createTestDatabase('event_store_adapter');
  pool = new Pool({ connectionString: database.url, max: 4 });
  await migrate(pool);
  store = new PostgresEventStore(pool, { notifyChannel: 'adapter_test_appends' });
});

afterAll(async () => {
  await store.close();
  await pool.end();
  await database.drop();
});

it('notifies listeners when an append commits, and not for a failed one', async () => {
  const listener = new Client({ connectionString: database.url });
  await listener.connect();
  try {
    let notifications = 0;
    listener.on('notification', () => (notifications += 1));
    await listener.query('LISTEN adapter_test_appends');
    const streamId = aStreamId();

    await store.append(streamId, someEvents(2), { kind: 'no-stream' });
    await eventually('a notification arrives', () => notifications === 1, 5_000);

    await rejectionOf(store.append(streamId, someEvents(1), { kind: 'no-stream' }));
    await delay(200);
    expect(notifications).toBe(1);
  } finally {
    await listener.end();
  }
});

it('will not append behind a later transaction in the same stream', async () => {
  const streamId = aStreamId();
  await store.append(streamId, someEvents(1), { kind: 'no-stream' });
  // Pretend a transaction far in the future wrote last, as a writer that obtained its id
  // before a competitor and then waited for it would see.
  await pool.query(
    `UPDATE streams SET last_transaction_id = ((pg_current_xact_id()::text::bigint + 1000000)::text)::xid8
     WHERE stream_id = $1`,
    [streamId],
  );

  const error = await rejectionOf(store.append(streamId, someEvents(1), { kind: 'any' }));
  expect(error).toMatchObject({ name: 'AppendOrderConflict' });
  expect(await store.readStream(streamId)).toHaveLength(1);

  await pool.query(
    'UPDATE streams SET last_transaction_id = pg_current_xact_id() WHERE stream_id = $1',
    [streamId],
  );
  await expect(store.append(streamId, someEvents(1), { kind: 'any' })).resolves.toMatchObject({
    appended: 1,
  });
});

it('imports 20,000 new payment streams in one transaction, and skips them all the second time', async () => {
  const batch: StreamAppend[] = Array.from({ length: 20_000 }, (_, i) => ({
    streamId: `payment-company-bulk-${i}`,
    events: [anEvent({ type: 'PaymentRecorded', data: { amount: `${i}.00` } })],
    expected: { kind: 'no-stream' },
  }));

  const first = await store.appendMany(batch);
  expect(first).toMatchObject({ eventsAppended: 20_000, streamsAlreadyExisting: 0 });
  const again = await store.appendMany(batch);
  expect(again).toMatchObject({ eventsAppended: 0, streamsAlreadyExisting: 20_000 });

  const [last] = await store.readStream('payment-company-bulk-19999');
  expect(last?.data).toEqual({ amount: '19999.00' });
}, 30_000);

it('rejects arguments no database state could make valid', async () => {
  await expect(store.append(aStreamId(), [], { kind: 'any' })).rejects.toThrow(RangeError);
  await expect(
    store.append(aStreamId(), someEvents(1), { kind: 'exact', version: -1 }),
  ).rejects.toThrow(RangeError);
  const twice = {
    streamId: aStreamId(),
    events: someEvents(1),
    expected: { kind: 'any' },
  } as const;
  await expect(store.appendMany([twice, twice])).rejects.toThrow(RangeError);
  await expect(
    store.append(aStreamId(), [anEvent({ data: undefined })], { kind: 'any' }),
  ).rejects.toThrow(RangeError);
  await expect(
    store.append(aStreamId(), [anEvent({ eventId: 'not-a-uuid' })], { kind: 'any' }),
  ).rejects.toThrow(RangeError);
  await expect(store.readAll(null, 0)).rejects.toThrow(RangeError);
  expect(() => new PostgresEventStore(pool, { notifyChannel: 'bad; DROP TABLE events' })).toThrow(
    RangeError,
  );
});
