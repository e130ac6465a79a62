import { comparePositions, positionOf } from '../../log-position';
import type { StoreAccessor } from './store-accessor';
import { aStreamId, anEvent, readEventsWithIds, readToEnd, someEvents } from '../fixtures';

export function readContract(store: StoreAccessor): void {
  it('reads a stream in version order, from a version, a page at a time', async () => {
    const streamId = aStreamId();
    // More than 9 events, so that any ordering by text instead of number shows.
    const events = someEvents(12);
    await store().append(streamId, events.slice(0, 2), { kind: 'no-stream' });
    await store().append(streamId, events.slice(2), { kind: 'exact', version: 2 });

    const all = await store().readStream(streamId);
    expect(all.map((e) => e.eventId)).toEqual(events.map((e) => e.eventId));
    const page = await store().readStream(streamId, { fromVersion: 9, maxCount: 3 });
    expect(page.map((e) => e.streamVersion)).toEqual([9, 10, 11]);
  });

  it('reads nothing from a stream that does not exist', async () => {
    expect(await store().readStream(aStreamId())).toEqual([]);
  });

  it('stores events exactly as given and says where and when they were recorded', async () => {
    const streamId = aStreamId();
    const event = anEvent({
      type: 'PaymentRecorded',
      schemaVersion: 3,
      data: {
        amount: '1234567890123.45',
        nested: { list: [1, 'two', null], empty: {} },
        flag: false,
        // Characters that array literals and JSON both escape.
        text: 'quote " backslash \\ comma, braces {} newline \n émoji 💸',
      },
      metadata: {
        companyId: 'company-42',
        occurredAt: '2026-02-01T00:00:00.000Z',
        actor: 'user:7',
        causationId: 'cause-1',
        correlationId: 'corr-1',
      },
    });
    const before = Date.now();
    const { position } = await store().append(streamId, [event], { kind: 'no-stream' });

    const [stored] = await store().readStream(streamId);
    expect(stored).toMatchObject({ ...event, streamId, streamVersion: 1 });
    expect(stored && positionOf(stored)).toEqual(position);
    const recordedAt = Date.parse(stored?.recordedAt ?? '');
    expect(recordedAt).toBeGreaterThanOrEqual(before - 5_000);
    expect(recordedAt).toBeLessThanOrEqual(Date.now() + 5_000);
  });

  it('reads the global log in append order across streams', async () => {
    const { checkpoint: start } = await readToEnd(store());
    const [a, b] = [aStreamId('a'), aStreamId('b')];
    const written = [anEvent(), anEvent(), anEvent(), anEvent()];
    await store().append(a, [written[0]!], { kind: 'no-stream' });
    await store().append(b, [written[1]!, written[2]!], { kind: 'no-stream' });
    await store().append(a, [written[3]!], { kind: 'exact', version: 1 });

    const events = await readEventsWithIds(
      store(),
      start,
      written.map((e) => e.eventId),
    );
    expect(events.map((e) => e.eventId)).toEqual(written.map((e) => e.eventId));
    for (let i = 1; i < events.length; i++) {
      expect(comparePositions(positionOf(events[i - 1]!), positionOf(events[i]!))).toBeLessThan(0);
    }
  });

  it('continues from a checkpoint without repeating or skipping an event', async () => {
    const { checkpoint: start } = await readToEnd(store());
    const written = someEvents(23);
    await store().append(aStreamId(), written.slice(0, 12), { kind: 'no-stream' });
    await store().append(aStreamId(), written.slice(12), { kind: 'no-stream' });

    // Pages of 3 until every written event was seen (other writers' events are ignored).
    const ours = new Set(written.map((e) => e.eventId));
    const seen: string[] = [];
    let checkpoint = start;
    const deadline = Date.now() + 15_000;
    while (seen.length < written.length && Date.now() < deadline) {
      const result = await store().readAll(checkpoint, 3);
      if (result.events.length === 0) {
        expect(result.checkpoint).toEqual(checkpoint);
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      expect(result.events.length).toBeLessThanOrEqual(3);
      seen.push(...result.events.map((e) => e.eventId).filter((id) => ours.has(id)));
      checkpoint = result.checkpoint;
    }
    expect(seen).toEqual(written.map((e) => e.eventId));
  });
}
