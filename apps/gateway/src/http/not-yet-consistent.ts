import { encodePosition, type LogPosition } from '@cvf/event-store';
import { ApplicationError } from '@cvf/platform';

/**
 * A read asked for `min_position` and the data did not reach it within the wait: the write is
 * accepted but not yet projected. The client retries (503 + Retry-After), it did nothing wrong.
 */
export class NotYetConsistentError extends ApplicationError {
  readonly code = 'not_yet_consistent' as const;
  override readonly name = 'NotYetConsistentError';

  constructor(
    readonly minPosition: LogPosition,
    /** What the data reflects now; null when there is none yet. */
    readonly current: string | null,
    readonly waitedMs: number,
  ) {
    super(
      `the data does not reflect log position ${encodePosition(minPosition)} yet ` +
        `(it reflects ${current ?? 'nothing'} after waiting ${waitedMs} ms); retry shortly`,
      { min_position: encodePosition(minPosition), position: current },
    );
  }

  override get headers(): Readonly<Record<string, string>> {
    return { 'retry-after': '1' };
  }
}

export const LOG_POSITION_HEADER = 'x-log-position';

/** Position of "nothing yet": before the first event of the log. */
export const NO_POSITION = '0:0';
