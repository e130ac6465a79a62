import { Inject, Injectable } from '@nestjs/common';
import { type Decider, type DomainEvent } from '@cvf/domain';
import {
  EVENT_STORE,
  WrongExpectedVersionError,
  encodePosition,
  positionOf,
  type EventStore,
  type LogPosition,
} from '@cvf/event-store';
import {
  toDomainEnvelope,
  toNewEvent,
  VersionMismatchError,
  type CommandContext,
} from '@cvf/platform';

/** What every write answers: the stream's new version and the log position to wait for. */
export interface WriteResult {
  readonly stream_id: string;
  readonly stream_version: number;
  /** Encoded log position of the last event written (or of the stream's last event on a no-op). */
  readonly position: string | null;
  readonly events_appended: number;
}

const MAX_ATTEMPTS = 5;

export interface WriteOptions {
  /** The stream version the caller read (If-Match): it must still hold, or 412. */
  readonly ifMatch?: number | undefined;
  /** The command usually creates its stream (a new payment): try that first, unread. */
  readonly likelyNew?: boolean;
}

/**
 * Load → decide → append with the expected version (ARCHITECTURE.md "Events and streams"):
 * what every command handler does with its stream.
 * Without If-Match, a concurrent writer that wins the race makes us reload and decide again
 * (the command is re-checked against the new state); with If-Match the caller's version must
 * hold, or the request fails with 412.
 */
@Injectable()
export class StreamWriter {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async load<S, E extends DomainEvent>(
    decider: Pick<Decider<never, E, S>, 'evolve' | 'initialState'>,
    streamId: string,
  ): Promise<{ state: S; version: number; position: LogPosition | null }> {
    const recorded = await this.store.readStream(streamId);
    let state = decider.initialState;
    for (const event of recorded)
      state = decider.evolve(state, toDomainEnvelope(event) as unknown as E);
    const last = recorded.at(-1);
    return { state, version: recorded.length, position: last ? positionOf(last) : null };
  }

  async execute<C, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
    command: C,
    context: CommandContext,
    options: WriteOptions = {},
  ): Promise<WriteResult> {
    const { ifMatch } = options;
    for (let attempt = 1; ; attempt++) {
      // A command that usually creates its stream (a new payment) is first decided against
      // the empty stream and appended with no-stream, without reading: one query less in the
      // common case. If the stream exists after all, the append fails and the next attempt
      // loads it and decides again, exactly as without the hint.
      const guess = options.likelyNew === true && ifMatch === undefined && attempt === 1;
      const { state, version, position } = guess
        ? { state: decider.initialState, version: 0, position: null }
        : await this.load(decider, streamId);
      if (ifMatch !== undefined && ifMatch !== version) {
        throw new VersionMismatchError(streamId, version, ifMatch);
      }
      const events = decider.decide(command, state);
      if (events.length === 0) {
        return {
          stream_id: streamId,
          stream_version: version,
          position: position && encodePosition(position),
          events_appended: 0,
        };
      }
      try {
        // A stream found empty must still not exist: the same check as version 0, and the
        // store needs no stream lock for it (one statement less on every new payment).
        const result = await this.store.append(
          streamId,
          events.map((event) => toNewEvent(event, context)),
          version === 0 ? { kind: 'no-stream' } : { kind: 'exact', version },
        );
        return {
          stream_id: streamId,
          stream_version: result.nextExpectedVersion,
          position: encodePosition(result.position),
          events_appended: result.appended,
        };
      } catch (error) {
        if (
          !(error instanceof WrongExpectedVersionError) ||
          ifMatch !== undefined ||
          attempt >= MAX_ATTEMPTS
        ) {
          throw error;
        }
      }
    }
  }
}
