import { type IncomingMessage } from 'node:http';

/** What a stream or socket reports when the other end went away mid-message. */
const ABORT_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET', // Node's "aborted": the request's connection closed before its body ended
  'ECONNABORTED',
  'EPIPE',
  'ERR_STREAM_PREMATURE_CLOSE',
  'FST_MP_PREMATURE_CLOSE', // @fastify/multipart: closed before the multipart body ended
  'ABORT_ERR',
]);

/**
 * Whether a failure is the client hanging up mid-request (an aborted upload, a reset
 * connection, a premature close), not a fault of ours: an error of that kind (itself or its
 * cause) while the client's own connection is gone. Both must hold: a reset connection to
 * PostgreSQL or Redis is ECONNRESET too, and stays a server error.
 */
export function clientClosedRequest(
  error: unknown,
  request: Pick<IncomingMessage, 'destroyed' | 'readableAborted' | 'socket'>,
): boolean {
  const gone = request.destroyed || request.readableAborted || request.socket?.destroyed === true;
  return gone && isAbortError(error);
}

function isAbortError(error: unknown): boolean {
  let current = error;
  // A cause chain is short; the bound only guards against a cycle.
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === 'string' && ABORT_CODES.has(code)) return true;
    current = cause;
  }
  return false;
}
