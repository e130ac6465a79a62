import type { ExpectedVersion } from './event-store.port';

/**
 * The stream's version is not what the writer expected: reload and decide again (HTTP 412,
 * or 409 for "already exists"). `actualVersion` 0 means the stream does not exist.
 */
export class WrongExpectedVersionError extends Error {
  override readonly name = 'WrongExpectedVersionError';

  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actualVersion: number,
  ) {
    super(
      `stream '${streamId}': expected ${describeExpected(expected)}, actual version ${actualVersion}`,
    );
  }

  /** True when the writer asked for a new stream and found one (the "already exists" case). */
  get streamAlreadyExists(): boolean {
    return this.expected.kind === 'no-stream' && this.actualVersion > 0;
  }
}

/** An event id is stored in another stream, or repeats within one call: a writer bug. */
export class DuplicateEventIdError extends Error {
  override readonly name = 'DuplicateEventIdError';

  constructor(
    readonly eventId: string,
    readonly detail: string,
  ) {
    super(`event id ${eventId}: ${detail}`);
  }
}

/** A position string from outside (an HTTP header, a stored checkpoint) is malformed. */
export class InvalidLogPositionError extends Error {
  override readonly name = 'InvalidLogPositionError';

  constructor(readonly input: string) {
    super(`'${input}' is not a log position (expected "<transaction>:<position>")`);
  }
}

function describeExpected(expected: ExpectedVersion): string {
  switch (expected.kind) {
    case 'any':
      return 'any version';
    case 'no-stream':
      return 'no stream';
    case 'exact':
      return `version ${expected.version}`;
  }
}
