import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { assertAnswerInContract } from '@cvf/platform/testing';

/** One answer of the HTTP API with its JSON body (typed by the caller). */
export interface Reply<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
  /** The body as sent: JSON documents compare byte for byte. */
  readonly text: string;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * A request through Fastify's `inject`: real routing, validation, filters, headers. Fails when
 * the answer breaks the app's OpenAPI document (the test apps check every answer).
 */
export async function call<T = Record<string, unknown>>(
  app: NestFastifyApplication,
  method: Method,
  url: string,
  payload?: object | string,
): Promise<Reply<T>> {
  const response = await app.inject({ method, url, payload });
  assertAnswerInContract(app, response.headers['x-request-id']);
  return {
    status: response.statusCode,
    body: (response.body === '' ? {} : response.json()) as T,
    headers: response.headers,
    text: response.body,
  };
}

/** A write that must succeed; returns its log position (to read it back with min_position). */
export async function write(
  app: NestFastifyApplication,
  method: Method,
  url: string,
  payload?: object,
): Promise<string> {
  const reply = await call(app, method, url, payload);
  if (reply.status >= 300 || typeof reply.body.position !== 'string') {
    throw new Error(`${method} ${url} → ${reply.status}: ${reply.text}`);
  }
  return reply.body.position;
}

export const withMin = (url: string, position: string): string =>
  `${url}${url.includes('?') ? '&' : '?'}min_position=${encodeURIComponent(position)}`;
