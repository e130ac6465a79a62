import { DuplicateEventIdError, WrongExpectedVersionError } from '../errors';
import type { ExpectedVersion, StreamAppend } from '../event-store.port';
import { anEvent } from '../testing/fixtures';
import { type StoredEventRef, decideAppend } from './append-plan';

const stream = 'company-1';
const entry = (expected: ExpectedVersion, events = [anEvent(), anEvent()]): StreamAppend => ({
  streamId: stream,
  events,
  expected,
});
const existing = (version: number) => ({ kind: 'existing', version }) as const;
const none = new Map<string, StoredEventRef>();
const storedIn = (streamId: string, ...ids: string[]) =>
  new Map(
    ids.map((id, i) => [
      id,
      { streamId, position: { transactionId: '5', globalPosition: `${i + 1}` } },
    ]),
  );

describe('deciding one append', () => {
  it('gives a created stream all events from version 1', () => {
    const decision = decideAppend(entry({ kind: 'any' }), { kind: 'created' }, none, 'fail');
    expect(decision).toMatchObject({ kind: 'append', firstVersion: 1, streamExisted: false });
  });

  it('refuses an exact version above 0 for a stream that did not exist', () => {
    expect(() =>
      decideAppend(entry({ kind: 'exact', version: 2 }), { kind: 'created' }, none, 'skip'),
    ).toThrow(WrongExpectedVersionError);
  });

  it('continues an existing stream after its current version', () => {
    const decision = decideAppend(entry({ kind: 'exact', version: 4 }), existing(4), none, 'fail');
    expect(decision).toMatchObject({ kind: 'append', firstVersion: 5, streamExisted: true });
  });

  it('fails or skips "no-stream" on an existing stream, by policy', () => {
    expect(() => decideAppend(entry({ kind: 'no-stream' }), existing(1), none, 'fail')).toThrow(
      WrongExpectedVersionError,
    );
    expect(decideAppend(entry({ kind: 'no-stream' }), existing(1), none, 'skip')).toEqual({
      kind: 'stream-exists',
      streamId: stream,
    });
  });

  it('treats a fully stored batch as done, whatever the expectation, at the last stored position', () => {
    const events = [anEvent(), anEvent()];
    const stored = storedIn(stream, events[0]!.eventId, events[1]!.eventId);
    for (const expected of [
      { kind: 'no-stream' },
      { kind: 'exact', version: 0 },
      { kind: 'any' },
    ] as const) {
      expect(decideAppend(entry(expected, events), existing(7), stored, 'fail')).toEqual({
        kind: 'already-stored',
        streamId: stream,
        version: 7,
        position: { transactionId: '5', globalPosition: '2' },
      });
    }
  });

  it('matches stored ids whatever their letter case', () => {
    const event = anEvent({ eventId: 'AAAAAAAA-0000-4000-8000-000000000000' });
    const stored = storedIn(stream, event.eventId.toLowerCase());
    const decision = decideAppend(entry({ kind: 'any' }, [event]), existing(1), stored, 'fail');
    expect(decision.kind).toBe('already-stored');
  });

  it('drops stored events and checks the expectation for the rest', () => {
    const [old, fresh] = [anEvent(), anEvent()];
    const stored = storedIn(stream, old.eventId);
    const decision = decideAppend(
      entry({ kind: 'exact', version: 3 }, [old, fresh]),
      existing(3),
      stored,
      'fail',
    );
    expect(decision).toMatchObject({ kind: 'append', events: [fresh], firstVersion: 4 });
    expect(() =>
      decideAppend(entry({ kind: 'exact', version: 2 }, [old, fresh]), existing(3), stored, 'fail'),
    ).toThrow(WrongExpectedVersionError);
  });

  it('refuses an id stored in another stream', () => {
    const event = anEvent();
    expect(() =>
      decideAppend(
        entry({ kind: 'any' }, [event]),
        existing(1),
        storedIn('other', event.eventId),
        'fail',
      ),
    ).toThrow(DuplicateEventIdError);
  });
});
