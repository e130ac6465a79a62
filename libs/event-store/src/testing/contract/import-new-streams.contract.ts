import { DuplicateEventIdError } from '../../errors';
import type { ImportNewStreamsOptions, NewEvent } from '../../event-store.port';
import { comparePositions, positionOf } from '../../log-position';
import type { StoreAccessor } from './store-accessor';
import { aStreamId, anEvent, newStreamsSource, rejectionOf } from '../fixtures';

interface Offered {
  readonly streamId: string;
  readonly event: NewEvent;
}

const MATCH = { matchFields: ['customer', 'amount'] };

function payments(count: number, amount = '10.00'): Offered[] {
  return Array.from({ length: count }, (_, i) => ({
    streamId: aStreamId('payment-import'),
    event: anEvent({ type: 'PaymentRecorded', data: { customer: `c${i}`, amount } }),
  }));
}

/** The same streams and facts with fresh event ids: what a second upload of a file offers. */
function redelivered(streams: readonly Offered[]): Offered[] {
  return streams.map(({ streamId, event }) => ({
    streamId,
    event: anEvent({ type: event.type, data: event.data }),
  }));
}

export function importNewStreamsContract(store: StoreAccessor): void {
  const importing = (streams: readonly Offered[], options: ImportNewStreamsOptions = MATCH) =>
    store().importNewStreams(newStreamsSource(streams), options);

  // Checked stream by stream, not with readAll: readAll also waits for transactions of other
  // databases in the cluster (other test files' imports), which these tests do not control.
  it('creates every stream with its event in one transaction and reports the last position', async () => {
    const offered = payments(40);

    const result = await importing(offered);

    const stored = await Promise.all(offered.map((s) => store().readStream(s.streamId)));
    offered.forEach(({ event }, i) =>
      expect(stored[i]).toMatchObject([
        { streamVersion: 1, eventId: event.eventId, data: event.data },
      ]),
    );
    const positions = stored.map((events) => positionOf(events[0]!));
    expect(new Set(positions.map((p) => p.transactionId)).size).toBe(1);
    expect(result).toEqual({
      outcome: 'imported',
      streamsCreated: 40,
      streamsAlreadyExisting: 0,
      position: positions.sort(comparePositions).at(-1),
    });
  });

  it('skips and counts streams whose first event records the same fact, writing the rest', async () => {
    const known = payments(5);
    await importing(known);
    const fresh = payments(3);
    const source = newStreamsSource([...redelivered(known), ...fresh]);

    const result = await store().importNewStreams(source, MATCH);

    expect(result).toMatchObject({ streamsCreated: 3, streamsAlreadyExisting: 5 });
    for (const { streamId, event } of [...known, ...fresh]) {
      expect((await store().readStream(streamId)).map((e) => e.eventId)).toEqual([event.eventId]);
    }
    // Each offered event is asked for once: to compare it, or to write it.
    expect([...source.asked].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

    expect(await importing(redelivered(known))).toEqual({
      outcome: 'imported',
      streamsCreated: 0,
      streamsAlreadyExisting: 5,
      position: null,
    });
  });

  it('writes nothing and lists the streams that exist with another fact', async () => {
    const known = payments(3);
    await importing(known);
    const changed = redelivered(known).map((s, i) =>
      i === 1
        ? { ...s, event: anEvent({ type: s.event.type, data: { customer: 'c1', amount: '9.99' } }) }
        : s,
    );
    const fresh = payments(4);

    const result = await importing([...fresh, ...changed]);

    expect(result).toMatchObject({ outcome: 'conflicts', conflictCount: 1 });
    if (result.outcome !== 'conflicts') throw new Error('expected conflicts');
    expect(result.conflicts).toMatchObject([
      {
        offered: { index: 5, streamId: known[1]!.streamId, data: { amount: '9.99' } },
        stored: { eventId: known[1]!.event.eventId, data: { amount: '10.00' } },
      },
    ]);
    for (const s of fresh) expect(await store().readStream(s.streamId)).toEqual([]);
    expect(await store().readStream(known[1]!.streamId)).toMatchObject([
      { eventId: known[1]!.event.eventId },
    ]);
  });

  it('counts every conflict but lists only as many as asked', async () => {
    const known = payments(6);
    await importing(known);
    const changed = known.map(({ streamId, event }) => ({
      streamId,
      event: anEvent({ type: event.type, data: { customer: 'someone else', amount: '10.00' } }),
    }));

    const result = await importing(changed, { ...MATCH, conflictsListed: 2 });
    expect(result).toMatchObject({ outcome: 'conflicts', conflictCount: 6 });
    if (result.outcome === 'conflicts') expect(result.conflicts).toHaveLength(2);
  });

  it('lets the caller judge a stored event that differs only in storage terms', async () => {
    const [old] = payments(1);
    await importing([{ ...old!, event: { ...old!.event, schemaVersion: 2 } }]);
    const asked: number[] = [];

    const result = await store().importNewStreams(newStreamsSource(redelivered([old!])), {
      ...MATCH,
      isSameFact: (stored, candidate) => {
        asked.push(stored.schemaVersion, candidate.index);
        return true;
      },
    });
    expect(asked).toEqual([2, 0]);
    expect(result).toMatchObject({ outcome: 'imported', streamsAlreadyExisting: 1 });
  });

  it('writes nothing when an event id is stored already', async () => {
    const [known] = payments(1);
    await importing([known!]);
    const fresh = payments(3);
    const clash = { streamId: aStreamId('payment-import'), event: known!.event };

    expect(await rejectionOf(importing([...fresh, clash]))).toBeInstanceOf(DuplicateEventIdError);
    for (const s of fresh) expect(await store().readStream(s.streamId)).toEqual([]);
  });

  it('refuses a stream offered twice, writing nothing', async () => {
    const fresh = payments(3);
    const twice = { streamId: fresh[0]!.streamId, event: anEvent() };

    expect(await rejectionOf(importing([...fresh, twice]))).toBeInstanceOf(RangeError);
    for (const s of fresh) expect(await store().readStream(s.streamId)).toEqual([]);
  });

  it('writes nothing when the source fails part-way, and is usable afterwards', async () => {
    const fresh = payments(4_500);
    const source = newStreamsSource(fresh);
    let calls = 0;
    const failing = {
      ...source,
      events: (indexes: readonly number[]) =>
        ++calls === 2 ? Promise.reject(new Error('the source broke off')) : source.events(indexes),
    };

    await expect(store().importNewStreams(failing, MATCH)).rejects.toThrow('the source broke off');
    for (const s of fresh.slice(0, 10)) expect(await store().readStream(s.streamId)).toEqual([]);
    await expect(importing(fresh)).resolves.toMatchObject({ streamsCreated: 4_500 });
  });

  it('accepts an empty import', async () => {
    expect(await importing([])).toEqual({
      outcome: 'imported',
      streamsCreated: 0,
      streamsAlreadyExisting: 0,
      position: null,
    });
  });

  it('keeps data with characters that need escaping intact', async () => {
    const data = { customer: 'tab\there\\back "quoted"\nline', amount: '1.00', note: 'é ✓' };
    const streamId = aStreamId('payment-import');
    await importing([{ streamId, event: anEvent({ data }) }]);
    expect((await store().readStream(streamId))[0]?.data).toEqual(data);
  });
}
