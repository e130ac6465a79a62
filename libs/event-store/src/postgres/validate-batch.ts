import { DuplicateEventIdError } from '../errors';
import type { StreamAppend } from '../event-store.port';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Rejects what no database state could make valid, before a transaction starts: these are
 * programming errors of the caller, so they throw plain RangeErrors (except duplicate ids,
 * which have their own type because an import can hit them with bad data).
 */
export function validateBatch(batch: readonly StreamAppend[]): void {
  const streamIds = new Set<string>();
  const eventIds = new Set<string>();
  for (const { streamId, events, expected } of batch) {
    if (streamId.length === 0) throw new RangeError('a stream id must not be empty');
    if (streamIds.has(streamId)) {
      throw new RangeError(`stream '${streamId}' appears twice in one batch`);
    }
    streamIds.add(streamId);
    if (events.length === 0) throw new RangeError(`no events to append to '${streamId}'`);
    if (
      expected.kind === 'exact' &&
      !(Number.isSafeInteger(expected.version) && expected.version >= 0)
    ) {
      throw new RangeError(`expected version ${expected.version} is not a stream version`);
    }
    for (const event of events) {
      if (!UUID.test(event.eventId))
        throw new RangeError(`event id '${event.eventId}' is not a uuid`);
      // Compared case-insensitively because PostgreSQL's uuid type is.
      const id = event.eventId.toLowerCase();
      if (eventIds.has(id))
        throw new DuplicateEventIdError(event.eventId, 'appears twice in one call');
      eventIds.add(id);
    }
  }
}
