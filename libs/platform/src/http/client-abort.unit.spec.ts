import { type ArgumentsHost, Logger } from '@nestjs/common';
import { clientClosedRequest } from './client-abort';
import { ProblemFilter } from './problem.filter';

const coded = (code: string, message = code) => Object.assign(new Error(message), { code });
const live = { destroyed: false, readableAborted: false, socket: { destroyed: false } };
const hungUp = { destroyed: true, readableAborted: true, socket: { destroyed: true } };
const socketGone = { destroyed: false, readableAborted: false, socket: { destroyed: true } };
type Connection = typeof live;
const closed = (error: unknown, connection: Connection) =>
  clientClosedRequest(error, connection as unknown as Parameters<typeof clientClosedRequest>[1]);

describe('clientClosedRequest', () => {
  it.each([
    ['a reset connection ("aborted")', coded('ECONNRESET', 'aborted')],
    ['a premature close of a stream', coded('ERR_STREAM_PREMATURE_CLOSE', 'Premature close')],
    ['a multipart body closed early', coded('FST_MP_PREMATURE_CLOSE')],
    ['a broken pipe', coded('EPIPE')],
    ['an abort', coded('ABORT_ERR')],
    ['one wrapped as the cause', new Error('read failed', { cause: coded('ECONNRESET') })],
  ])('is the client hanging up for %s on a connection that is gone', (_what, error) => {
    expect(closed(error, hungUp)).toBe(true);
    expect(closed(error, socketGone)).toBe(true); // the body was in, the client left before the answer
  });

  it('is not, for the same errors while the client is still connected (PostgreSQL reset, say)', () => {
    expect(closed(coded('ECONNRESET'), live)).toBe(false);
    expect(closed(coded('ERR_STREAM_PREMATURE_CLOSE'), live)).toBe(false);
  });

  it('is not, for any other failure on a closed connection', () => {
    expect(closed(new TypeError('x is undefined'), hungUp)).toBe(false);
    expect(closed(coded('ECONNREFUSED'), hungUp)).toBe(false);
    expect(closed('a string', hungUp)).toBe(false);
    const cycle: { code?: string; cause?: unknown } = {};
    cycle.cause = cycle;
    expect(closed(cycle, hungUp)).toBe(false);
  });
});

describe('ProblemFilter, for a client that hung up', () => {
  function caught(error: unknown, connection: Connection) {
    const sent: { status?: number; body?: unknown } = {};
    const reply = {
      status(code: number) {
        sent.status = code;
        return reply;
      },
      header: () => reply,
      headers: () => reply,
      send(body: unknown) {
        sent.body = body;
        return reply;
      },
    };
    const request = {
      id: 'req-1',
      url: '/companies/acme/payments/upload',
      headers: {},
      raw: connection,
    };
    const host = {
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }),
    } as unknown as ArgumentsHost;
    new ProblemFilter().catch(error, host);
    return sent;
  }

  it('answers 400 and logs no server error', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const sent = caught(coded('ERR_STREAM_PREMATURE_CLOSE', 'Premature close'), hungUp);
      expect(sent).toEqual({
        status: 400,
        body: {
          status: 400,
          error: 'bad_request',
          message: 'the client closed the request before it was complete',
        },
      });
      expect(logged).not.toHaveBeenCalled();

      // the same error with the client still there is ours: 500, logged
      expect(caught(coded('ERR_STREAM_PREMATURE_CLOSE'), live).status).toBe(500);
      expect(logged).toHaveBeenCalledTimes(1);
    } finally {
      logged.mockRestore();
    }
  });
});
