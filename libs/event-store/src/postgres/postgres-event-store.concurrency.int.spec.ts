import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@cvf/test-support';
import { WrongExpectedVersionError } from '../errors';
import type { ExpectedVersion, NewEvent, RecordedEvent } from '../event-store.port';
import { comparePositions, positionOf } from '../log-position';
import {
  aStreamId,
  anEvent,
  delay,
  eventually,
  readEventsWithIds,
  readToEnd,
  someEvents,
} from '../testing';
import { migrate } from './migrations/migrate';
import { PostgresEventStore } from './postgres-event-store';

const WRITERS = 8;
const ROUNDS = 16;

let database: TestDatabase;
let pool: Pool;
let store: PostgresEventStore;

beforeAll(async () => {
  database = await createTestDatabase('event_store_concurrency');
  pool = new Pool({ connectionString: database.url, max: WRITERS + 4 });
  await migrate(pool);
  store = new PostgresEventStore(pool);
});

afterAll(async () => {
  await store.close();
  await pool.end();
  await database.drop();
});

function collect(received: RecordedEvent[]): (batch: readonly RecordedEvent[]) => Promise<void> {
  return (batch) => {
    received.push(...batch);
    return Promise.resolve();
  };
}

it('delivers every committed event exactly once, each stream in version order', async () => {
  const { checkpoint: start } = await readToEnd(store);
  const received: RecordedEvent[] = [];
  const subscription = store.subscribe(start, collect(received), {
    pollIntervalMs: 50,
    batchSize: 40,
  });
  const shared = [aStreamId('shared'), aStreamId('shared')];
  const committed: string[] = [];
  const record = (events: readonly NewEvent[]): void => {
    committed.push(...events.map((e) => e.eventId));
  };

  const appendWithRetry = async (streamId: string, events: NewEvent[]): Promise<void> => {
    for (;;) {
      const version = (await store.readStream(streamId)).length;
      const expected: ExpectedVersion =
        version === 0 ? { kind: 'no-stream' } : { kind: 'exact', version };
      try {
        await store.append(streamId, events, expected);
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
      }
    }
  };

  const writer = async (index: number): Promise<void> => {
    const own = aStreamId(`own-${index}`);
    let ownVersion = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const events = someEvents(1 + (round % 3));
      const sharedStream = shared[(index + round) % shared.length]!;
      switch (round % 4) {
        case 0:
          await store.append(
            own,
            events,
            ownVersion === 0 ? { kind: 'no-stream' } : { kind: 'exact', version: ownVersion },
          );
          ownVersion += events.length;
          break;
        case 1:
          await appendWithRetry(sharedStream, events);
          break;
        case 2:
          await store.append(sharedStream, events, { kind: 'any' });
          break;
        default: {
          const payment = { streamId: aStreamId('payment'), events: [anEvent()] };
          await store.appendMany([
            { ...payment, expected: { kind: 'no-stream' } },
            { streamId: sharedStream, events, expected: { kind: 'any' } },
          ]);
          record(payment.events);
        }
      }
      record(events);
    }
  };

  await Promise.all(Array.from({ length: WRITERS }, (_, i) => writer(i)));
  await eventually('the subscriber has caught up', () => received.length >= committed.length);
  await delay(200); // a duplicate delivered late would show up here
  await subscription.stop();

  const receivedIds = received.map((e) => e.eventId);
  expect(new Set(receivedIds).size).toBe(receivedIds.length);
  expect([...receivedIds].sort()).toEqual([...committed].sort());
  for (let i = 1; i < received.length; i++) {
    expect(comparePositions(positionOf(received[i - 1]!), positionOf(received[i]!))).toBeLessThan(
      0,
    );
  }
  const lastVersion = new Map<string, number>();
  for (const event of received) {
    expect(event.streamVersion).toBe((lastVersion.get(event.streamId) ?? 0) + 1);
    lastVersion.set(event.streamId, event.streamVersion);
  }
});

it('holds back an event that commits before an earlier-numbered one, then delivers both', async () => {
  const { checkpoint: start } = await readToEnd(store);
  const lateId = randomUUID();
  const early = anEvent();
  // Only this test's two events count: the previous test's may still become visible late.
  const ours = new Set([lateId, early.eventId]);
  const received: RecordedEvent[] = [];
  const subscription = store.subscribe(
    start,
    (batch) => {
      received.push(...batch.filter((e) => ours.has(e.eventId)));
      return Promise.resolve();
    },
    { pollIntervalMs: 50 },
  );

  // Transaction A writes first (lower global position) and stays open.
  const slow = await pool.connect();
  try {
    await slow.query('BEGIN');
    const inserted = await slow.query<{ global_position: string }>(
      `INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata)
       VALUES ($1, 1, $2, 'LateCommitted', 1, '{}', $3)
       RETURNING global_position::text AS global_position`,
      [aStreamId('late'), lateId, JSON.stringify(anEvent().metadata)],
    );
    // Transaction B writes later (higher position) and commits first.
    const written = await store.append(aStreamId('early'), [early], { kind: 'no-stream' });
    expect(BigInt(written.position.globalPosition)).toBeGreaterThan(
      BigInt(inserted.rows[0]!.global_position),
    );

    expect((await store.readAll(start, 100)).events.filter((e) => ours.has(e.eventId))).toEqual([]);
    await delay(300); // several polls, plus B's notification
    expect(received).toEqual([]);
    await slow.query('COMMIT');
  } catch (error) {
    await slow.query('ROLLBACK');
    throw error;
  } finally {
    slow.release();
  }

  const events = await readEventsWithIds(store, start, [lateId, early.eventId]);
  expect(events.map((e) => e.eventId)).toEqual([lateId, early.eventId]);
  await eventually('both events are delivered', () => received.length >= 2);
  await subscription.stop();
  expect(received.map((e) => e.eventId)).toEqual([lateId, early.eventId]);
});

it("holds back a company's page while an earlier event of the log is still to commit", async () => {
  const companyId = `company-${randomUUID()}`;
  const ofCompany = anEvent({ metadata: { ...anEvent().metadata, companyId } });
  const lateId = randomUUID();
  const slow = await pool.connect();
  try {
    // Another company's write takes a transaction id first and stays open.
    await slow.query('BEGIN');
    await slow.query(
      `INSERT INTO events (stream_id, stream_version, event_id, type, schema_version, data, metadata)
       VALUES ($1, 1, $2, 'LateCommitted', 1, '{}', $3)`,
      [aStreamId('late'), lateId, JSON.stringify(anEvent().metadata)],
    );
    const written = await store.append(aStreamId('company'), [ofCompany], { kind: 'no-stream' });

    const page = await store.readCompanyLog(companyId, {
      after: null,
      direction: 'forwards',
      maxCount: 10,
    });
    expect(page.events).toEqual([]);
    expect(comparePositions(page.visibleUpTo, written.position)).toBeLessThan(0);
    expect(await store.isVisible(written.position)).toBe(false);
    await slow.query('COMMIT');
  } catch (error) {
    await slow.query('ROLLBACK');
    throw error;
  } finally {
    slow.release();
  }

  await eventually('the company event is visible', async () => {
    const page = await store.readCompanyLog(companyId, {
      after: null,
      direction: 'backwards',
      maxCount: 10,
    });
    return page.events.some((e) => e.eventId === ofCompany.eventId);
  });
});
