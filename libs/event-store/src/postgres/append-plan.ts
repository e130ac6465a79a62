import { DuplicateEventIdError, WrongExpectedVersionError } from '../errors';
import type { LogPosition, NewEvent, StreamAppend } from '../event-store.port';
import { comparePositions } from '../log-position';

/**
 * What a `no-stream` expectation does when the stream exists: `append` fails (the caller
 * asked a question and gets an answer), `appendMany` skips (a bulk import re-delivering
 * known payments must not fail as a whole).
 */
export type ExistingStreamPolicy = 'fail' | 'skip';

/** A stream as the transaction found it, after taking whatever lock the entry needs. */
export type StreamState =
  { readonly kind: 'created' } | { readonly kind: 'existing'; readonly version: number };

export interface StoredEventRef {
  readonly streamId: string;
  readonly position: LogPosition;
}

export type AppendDecision =
  | {
      readonly kind: 'append';
      readonly streamId: string;
      readonly events: readonly NewEvent[];
      /** Version of `events[0]`; the rest follow one by one. */
      readonly firstVersion: number;
      readonly streamExisted: boolean;
    }
  | {
      readonly kind: 'already-stored';
      readonly streamId: string;
      readonly version: number;
      readonly position: LogPosition;
    }
  | { readonly kind: 'stream-exists'; readonly streamId: string };

/**
 * Whether deciding needs the stream's version and stored event ids. A skipped `no-stream`
 * entry needs neither, which keeps a re-uploaded million-payment file cheap.
 */
export function needsStreamDetails(entry: StreamAppend, policy: ExistingStreamPolicy): boolean {
  return !(entry.expected.kind === 'no-stream' && policy === 'skip');
}

/**
 * The rules of one entry, in order: a created stream takes everything (unless an exact
 * version above 0 was expected); a skipped `no-stream` entry stops there; event ids already
 * in the stream are dropped and, if none remain, the call is a successful no-op whatever the
 * expectation; only then is the expectation checked against the current version.
 * `stored` holds the entry's event ids found anywhere in the store.
 */
export function decideAppend(
  entry: StreamAppend,
  state: StreamState,
  stored: ReadonlyMap<string, StoredEventRef>,
  policy: ExistingStreamPolicy,
): AppendDecision {
  const { streamId, expected } = entry;
  if (state.kind === 'created') {
    if (expected.kind === 'exact' && expected.version !== 0) {
      throw new WrongExpectedVersionError(streamId, expected, 0);
    }
    return {
      kind: 'append',
      streamId,
      events: entry.events,
      firstVersion: 1,
      streamExisted: false,
    };
  }
  if (!needsStreamDetails(entry, policy)) return { kind: 'stream-exists', streamId };

  const fresh: NewEvent[] = [];
  let lastStored: LogPosition | null = null;
  for (const event of entry.events) {
    // The store reports uuids in lower case whatever case the writer used.
    const found = stored.get(event.eventId.toLowerCase());
    if (!found) {
      fresh.push(event);
    } else if (found.streamId !== streamId) {
      throw new DuplicateEventIdError(
        event.eventId,
        `already stored in stream '${found.streamId}'`,
      );
    } else if (comparePositions(found.position, lastStored) > 0) {
      lastStored = found.position;
    }
  }
  if (lastStored !== null && fresh.length === 0) {
    return { kind: 'already-stored', streamId, version: state.version, position: lastStored };
  }

  const matches =
    expected.kind === 'any' || (expected.kind === 'exact' && expected.version === state.version);
  if (!matches) throw new WrongExpectedVersionError(streamId, expected, state.version);
  return {
    kind: 'append',
    streamId,
    events: fresh,
    firstVersion: state.version + 1,
    streamExisted: true,
  };
}
