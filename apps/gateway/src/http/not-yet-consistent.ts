import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { encodePosition, type LogPosition } from '@cvf/event-store';
import type { FastifyReply } from 'fastify';

/**
 * A read asked for `min_position` and the data did not reach it within the wait: the write is
 * accepted but not yet projected. The client retries (503 + Retry-After), it did nothing wrong.
 */
export class NotYetConsistentError extends Error {
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
    );
  }
}

/** 503 with Retry-After, which the platform's problem filter has no way to add. */
@Catch(NotYetConsistentError)
export class NotYetConsistentFilter implements ExceptionFilter {
  catch(error: NotYetConsistentError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply
      .status(503)
      .header('retry-after', '1')
      .header('content-type', 'application/json')
      .send({
        status: 503,
        error: 'not_yet_consistent',
        message: error.message,
        min_position: encodePosition(error.minPosition),
        position: error.current,
      });
  }
}

export const LOG_POSITION_HEADER = 'x-log-position';

/** Position of "nothing yet": before the first event of the log. */
export const NO_POSITION = '0:0';
