import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { type components, type operations, type paths } from './schema';

/**
 * The typed client of the CVF API (`@cvf/client`): types generated from the OpenAPI document
 * (`npm run client:generate` writes libs/client/openapi.json and src/schema.ts from the built
 * all-in-one app), requests by openapi-fetch. Every path, parameter, body and answer is typed
 * by the document: `client.GET('/companies/{companyId}/cashflows', { params: { path: {
 * companyId } } })` answers `{ data, error, response }`, with `data` a CashflowDocument on 200
 * and `error` a Problem otherwise.
 */
export type { components, operations, paths };
export type CvfClient = Client<paths>;
export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];

export interface CvfClientOptions {
  /** The service's root, e.g. http://127.0.0.1:3000 (ingest for writes, gateway for reads). */
  readonly baseUrl: string;
  /** An API key or a JWT, sent as `Authorization: Bearer …`. */
  readonly token?: string;
  /** Run on every request and answer (a contract check, a log). */
  readonly middleware?: readonly Middleware[];
  readonly fetch?: (input: Request) => Promise<Response>;
}

export function createCvfClient(options: CvfClientOptions): CvfClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.token === undefined
      ? {}
      : { headers: { authorization: `Bearer ${options.token}` } }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  if (options.middleware) client.use(...options.middleware);
  return client;
}

/**
 * The body of `POST /companies/{companyId}/payments/upload`: a multipart form with the CSV as
 * its `file` part (openapi-fetch sends FormData as it is). Typed as the document's form.
 */
export function paymentsFile(
  csv: Blob | string,
  filename = 'payments.csv',
): Schemas['UploadPaymentsForm'] {
  const form = new FormData();
  const blob = typeof csv === 'string' ? new Blob([csv], { type: 'text/csv' }) : csv;
  form.append('file', blob, filename);
  return form as unknown as Schemas['UploadPaymentsForm'];
}

/** The problem body of an answer that is not a success (an openapi-fetch `error`). */
export function problemOf(error: unknown): Problem | null {
  return typeof error === 'object' && error !== null && 'status' in error && 'error' in error
    ? (error as Problem)
    : null;
}

export { type Middleware };
