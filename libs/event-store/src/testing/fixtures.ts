import { randomUUID } from 'node:crypto';
import type {
  EventStore,
  LogPosition,
  NewEvent,
  NewStreamsSource,
  ReadAllResult,
  RecordedEvent,
} from '../event-store.port';

/** A valid event with a fresh id; tests override only what they look at. */
export function anEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'TestHappened',
    schemaVersion: 1,
    data: { note: 'payload', amount: '12.50' },
    metadata: {
      companyId: 'company-1',
      occurredAt: '2026-01-15T10:00:00.000Z',
      actor: 'test',
      causationId: null,
      correlationId: null,
    },
    ...overrides,
  };
}

export function someEvents(count: number): NewEvent[] {
  return Array.from({ length: count }, (_, i) => anEvent({ data: { index: i } }));
}

/** Stream ids unique per test run, so tests sharing one store never collide. */
export function aStreamId(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

/** Reads the whole visible log after `after`: the checkpoint to start a fresh test from. */
export async function readToEnd(
  store: EventStore,
  after: LogPosition | null = null,
): Promise<ReadAllResult> {
  const events: RecordedEvent[] = [];
  let checkpoint = after;
  for (;;) {
    const page = await store.readAll(checkpoint, 1_000);
    if (page.events.length === 0) return { events, checkpoint };
    events.push(...page.events);
    checkpoint = page.checkpoint;
  }
}

/**
 * Reads the log after `after` until every event in `ids` has been seen and returns exactly
 * those, in log order. Events of other writers are ignored, and events not yet visible are
 * waited for (bounded): on a shared PostgreSQL cluster any open transaction, even in another
 * database, holds back what `readAll` may return, so a test must not assume its own events
 * are visible the instant its append returns, nor that nobody else writes.
 */
export async function readEventsWithIds(
  store: EventStore,
  after: LogPosition | null,
  ids: readonly string[],
  pageSize = 1_000,
  timeoutMs = 15_000,
): Promise<RecordedEvent[]> {
  const wanted = new Set(ids);
  const found: RecordedEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  let checkpoint = after;
  while (found.length < wanted.size) {
    const page = await store.readAll(checkpoint, pageSize);
    found.push(...page.events.filter((event) => wanted.has(event.eventId)));
    checkpoint = page.checkpoint;
    if (page.events.length === 0) {
      if (Date.now() > deadline)
        throw new Error(`timed out: saw ${found.length} of ${wanted.size} events`);
      await delay(20);
    }
  }
  return found;
}

/** Polls `condition` until it holds; fails with `what` after `timeoutMs`. */
export async function eventually(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await delay(20);
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The error a promise rejects with, for assertions on its fields. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

/** An in-memory bulk import source over streams of one event each. */
export function newStreamsSource(
  streams: readonly { readonly streamId: string; readonly event: NewEvent }[],
): NewStreamsSource & { readonly asked: number[] } {
  const asked: number[] = [];
  return {
    count: streams.length,
    asked,
    streamId: (index) => streams[index]!.streamId,
    events: async (indexes) => {
      await Promise.resolve();
      asked.push(...indexes);
      return indexes.map((index) => streams[index]!.event);
    },
  };
}
