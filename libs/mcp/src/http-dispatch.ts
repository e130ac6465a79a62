import { type CvfService, type RestDispatch } from './rest';

/** Where the API answers and with which credential (the MCP client's configuration). */
export interface ApiConnection {
  /** Base URL of each service; both the same for an all-in-one process. */
  readonly urls: Readonly<Record<CvfService, string>>;
  /** The bearer token every call carries: an API key or a JWT. */
  readonly token: string;
  /** How long one call may take (a read waiting for min_position takes up to 5 s). */
  readonly timeoutMs: number;
}

/** The API could not be asked: not listening, timed out, or not HTTP. */
export class ApiUnreachableError extends Error {}

/** The tools' REST calls over HTTP(S), as any client of the API makes them. */
export function httpDispatch(api: ApiConnection): RestDispatch {
  return async (request) => {
    const base = api.urls[request.route.service].replace(/\/+$/, '');
    const url = `${base}${request.target}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: request.route.method,
        headers: {
          authorization: `Bearer ${api.token}`,
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(api.timeoutMs),
        redirect: 'error',
      });
      return { status: response.status, body: await response.text() };
    } catch (error) {
      const cause = error instanceof Error ? (error.cause ?? error) : error;
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new ApiUnreachableError(
        `the CVF API did not answer ${request.route.method} ${url}: ${reason}`,
      );
    }
  };
}
