import { Client, Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@cvf/test-support';
import type { StreamAppend } from '../event-store.port';
import {
  aStreamId,
  anEvent,
  delay,
  eventually,
  newStreamsSource,
  readEventsWithIds,
  readToEnd,
  rejectionOf,
  someEvents,
} from '../testing';
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

it('imports 20,000 new streams in one transaction, and skips them all the second time', async () => {
  const offered = Array.from({ length: 20_000 }, (_, i) => ({
    streamId: `payment-company-import-${i}`,
    event: anEvent({ type: 'PaymentRecorded', data: { amount: `${i}.00` } }),
  }));
  const options = { matchFields: ['amount'] };

  expect(await store.importNewStreams(newStreamsSource(offered), options)).toMatchObject({
    streamsCreated: 20_000,
  });
  const again = offered.map((s) => ({
    ...s,
    event: anEvent({ type: s.event.type, data: s.event.data }),
  }));
  expect(await store.importNewStreams(newStreamsSource(again), options)).toMatchObject({
    streamsCreated: 0,
    streamsAlreadyExisting: 20_000,
  });
  const [last] = await store.readStream('payment-company-import-19999');
  expect(last?.data).toEqual({ amount: '19999.00' });
}, 30_000);

it('holds readers back while an import is open, so an append that commits first is not read before it', async () => {
  const { checkpoint: start } = await readToEnd(store);
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const imported = aStreamId('payment-import');
  const importedEvent = anEvent();
  const source = newStreamsSource([{ streamId: imported, event: importedEvent }]);
  const importing = store.importNewStreams(
    { ...source, events: async (indexes) => (await gate, source.events(indexes)) },
    { matchFields: [] },
  );
  // Wait until the import has claimed its stream and is copying events (waiting for the gate).
  for (let copying = false; !copying; await delay(10)) {
    const active = await pool.query(
      `SELECT 1 FROM pg_stat_activity
       WHERE query LIKE 'COPY events%' AND backend_xid IS NOT NULL AND datname = current_database()`,
    );
    copying = active.rows.length > 0;
  }
  const appended = aStreamId();
  const [appendedEvent] = someEvents(1);
  await store.append(appended, [appendedEvent!], { kind: 'no-stream' });
  const ours = [importedEvent.eventId, appendedEvent!.eventId];

  const meanwhile = (await readToEnd(store, start)).events;
  expect(meanwhile.filter((e) => ours.includes(e.eventId))).toEqual([]);
  release();
  await importing;
  // Other databases' open transactions may delay visibility a little, never the order.
  const events = await readEventsWithIds(store, start, ours);
  expect(events.map((e) => e.streamId)).toEqual([imported, appended]);
});

it('puts the head at a committed write behind an open transaction, in log order, never at a row still open', async () => {
  const earlier = new Client({ connectionString: database.url });
  await earlier.connect();
  try {
    // A writer that took its transaction id first and has not inserted its event yet.
    await earlier.query('BEGIN');
    await earlier.query('SELECT pg_current_xact_id()');
    const later = await store.append(aStreamId(), someEvents(1), { kind: 'no-stream' });
    // The earlier writer now takes a larger sequence number than the committed write.
    const [open] = someEvents(1);
    const inserted = await earlier.query<{ global_position: string }>(
      `INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata)
       VALUES ($1, 1, $2, 'TestHappened', 1, '{}', $3) RETURNING global_position::text`,
      [aStreamId('open'), open!.eventId, JSON.stringify(open!.metadata)],
    );
    expect(BigInt(inserted.rows[0]!.global_position)).toBeGreaterThan(
      BigInt(later.position.globalPosition),
    );

    // Not visible to readers yet (the open transaction is ordered before it), yet acknowledged:
    // the head covers it, and the open row is not in it.
    expect(await store.isVisible(later.position)).toBe(false);
    expect(await store.headPosition()).toEqual(later.position);

    // Committed, the earlier row has the highest sequence number but comes first in log
    // order: the head stays at the later transaction's write.
    await earlier.query('COMMIT');
    expect(await store.headPosition()).toEqual(later.position);
  } finally {
    await earlier.end();
  }
});

it('waits for a writer creating one of the streams concurrently, then counts its stream as existing', async () => {
  const [raced, fresh] = [aStreamId('payment-race'), aStreamId('payment-race')];
  const event = anEvent({ type: 'PaymentRecorded', data: { amount: '1.00' } });
  const writer = new Client({ connectionString: database.url });
  await writer.connect();
  try {
    // A writer that has created the stream and not committed yet, as `append` would be.
    await writer.query('BEGIN');
    await writer.query(
      `INSERT INTO streams (stream_id, version, last_transaction_id) VALUES ($1, 1, pg_current_xact_id())`,
      [raced],
    );
    await writer.query(
      `INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata)
       VALUES ($1, 1, $2, $3, 1, $4, $5)`,
      [
        raced,
        event.eventId,
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
      ],
    );
    const importing = store.importNewStreams(
      newStreamsSource([
        { streamId: raced, event: anEvent({ type: event.type, data: event.data }) },
        { streamId: fresh, event: anEvent({ type: event.type, data: event.data }) },
      ]),
      { matchFields: ['amount'] },
    );
    for (let waiting = false; !waiting; await delay(10)) {
      const blocked = await pool.query(
        `SELECT 1 FROM pg_stat_activity
         WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO streams%' AND datname = current_database()`,
      );
      waiting = blocked.rows.length > 0;
    }
    await writer.query('COMMIT');

    expect(await importing).toMatchObject({ streamsCreated: 1, streamsAlreadyExisting: 1 });
    expect((await store.readStream(raced)).map((e) => e.eventId)).toEqual([event.eventId]);
    expect(await store.readStream(fresh)).toHaveLength(1);
  } finally {
    await writer.end();
  }
});

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
  await expect(
    store.importNewStreams(
      newStreamsSource([{ streamId: aStreamId(), event: anEvent({ eventId: 'x' }) }]),
      { matchFields: [] },
    ),
  ).rejects.toThrow(RangeError);
  await expect(
    store.importNewStreams(newStreamsSource([{ streamId: aStreamId(), event: anEvent() }]), {
      matchFields: ["amount'; DROP TABLE events; --"],
    }),
  ).rejects.toThrow(RangeError);
  await expect(
    store.importNewStreams(newStreamsSource([{ streamId: '', event: anEvent() }]), {
      matchFields: [],
    }),
  ).rejects.toThrow(RangeError);
  expect(() => new PostgresEventStore(pool, { notifyChannel: 'bad; DROP TABLE events' })).toThrow(
    RangeError,
  );
});
