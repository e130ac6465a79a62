import { DuplicateEventIdError, WrongExpectedVersionError } from '../../errors';
import type { StreamAppend } from '../../event-store.port';
import { positionOf } from '../../log-position';
import type { StoreAccessor } from './store-accessor';
import {
  aStreamId,
  anEvent,
  readEventsWithIds,
  readToEnd,
  rejectionOf,
  someEvents,
} from '../fixtures';

function newPayments(count: number): StreamAppend[] {
  return Array.from({ length: count }, () => ({
    streamId: aStreamId('payment-company-1'),
    events: [anEvent({ type: 'PaymentRecorded' })],
    expected: { kind: 'no-stream' },
  }));
}

export function appendManyContract(store: StoreAccessor): void {
  it('creates every new stream in one go and reports where the last event landed', async () => {
    const { checkpoint: start } = await readToEnd(store());
    const batch = newPayments(50);
    const result = await store().appendMany(batch);

    expect(result).toMatchObject({
      eventsAppended: 50,
      streamsAppended: 50,
      streamsAlreadyExisting: 0,
      alreadyExistingStreamIds: [],
    });
    const ids = batch.flatMap((entry) => entry.events.map((e) => e.eventId));
    const events = await readEventsWithIds(store(), start, ids);
    expect(events).toHaveLength(50);
    expect(result.position).toEqual(positionOf(events.at(-1)!));
    const [first] = batch;
    expect(await store().readStream(first!.streamId)).toHaveLength(1);
  });

  it('skips and counts streams that already exist, writing the rest', async () => {
    const known = newPayments(3);
    await store().appendMany(known);
    const fresh = newPayments(2);

    const result = await store().appendMany([...known, ...fresh]);
    expect(result).toMatchObject({
      eventsAppended: 2,
      streamsAppended: 2,
      streamsAlreadyExisting: 3,
    });
    expect([...result.alreadyExistingStreamIds].sort()).toEqual(
      known.map((k) => k.streamId).sort(),
    );

    const again = await store().appendMany([...known, ...fresh]);
    expect(again).toMatchObject({ eventsAppended: 0, streamsAlreadyExisting: 5, position: null });
  });

  it('skips a known stream even when the re-delivered events have new ids', async () => {
    const [payment] = newPayments(1);
    await store().appendMany([payment!]);
    const redelivered = { ...payment!, events: [anEvent({ type: 'PaymentRecorded' })] };

    const result = await store().appendMany([redelivered]);
    expect(result).toMatchObject({ streamsAlreadyExisting: 1, eventsAppended: 0 });
    expect(await store().readStream(payment!.streamId)).toHaveLength(1);
  });

  it('appends to existing streams with "any" and "exact" expectations', async () => {
    const [a, b] = [aStreamId(), aStreamId()];
    await store().append(a, someEvents(1), { kind: 'no-stream' });
    await store().append(b, someEvents(2), { kind: 'no-stream' });

    const result = await store().appendMany([
      { streamId: a, events: someEvents(2), expected: { kind: 'any' } },
      { streamId: b, events: someEvents(1), expected: { kind: 'exact', version: 2 } },
    ]);
    expect(result).toMatchObject({ eventsAppended: 3, streamsAppended: 2 });
    expect((await store().readStream(a)).map((e) => e.streamVersion)).toEqual([1, 2, 3]);
    expect((await store().readStream(b)).map((e) => e.streamVersion)).toEqual([1, 2, 3]);
  });

  it('writes nothing at all when one entry has a wrong expected version', async () => {
    const existing = aStreamId();
    await store().append(existing, someEvents(2), { kind: 'no-stream' });
    const fresh = newPayments(20);

    const error = await rejectionOf(
      store().appendMany([
        ...fresh,
        { streamId: existing, events: someEvents(1), expected: { kind: 'exact', version: 1 } },
      ]),
    );
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ streamId: existing, actualVersion: 2 });
    for (const entry of fresh) expect(await store().readStream(entry.streamId)).toEqual([]);
    expect(await store().readStream(existing)).toHaveLength(2);
  });

  it('writes nothing at all when an event id is already stored elsewhere', async () => {
    const event = anEvent();
    await store().append(aStreamId(), [event], { kind: 'no-stream' });
    const fresh = newPayments(5);

    const error = await rejectionOf(
      store().appendMany([
        ...fresh,
        { streamId: aStreamId(), events: [event], expected: { kind: 'no-stream' } },
      ]),
    );
    expect(error).toBeInstanceOf(DuplicateEventIdError);
    for (const entry of fresh) expect(await store().readStream(entry.streamId)).toEqual([]);
  });

  it('counts an entry whose events are all stored already as already existing', async () => {
    const streamId = aStreamId();
    const events = someEvents(2);
    await store().append(streamId, events, { kind: 'no-stream' });

    const result = await store().appendMany([{ streamId, events, expected: { kind: 'any' } }]);
    expect(result).toMatchObject({ eventsAppended: 0, streamsAlreadyExisting: 1 });
  });

  it('accepts an empty batch', async () => {
    expect(await store().appendMany([])).toMatchObject({ eventsAppended: 0, position: null });
  });
}
