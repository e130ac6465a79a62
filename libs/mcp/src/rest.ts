import { type CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/**
 * Which app serves a route: commands are ingest's, reads the gateway's. The all-in-one
 * process serves both on one port; a deployment with two hosts (k8s/: `ingest` and `api`)
 * gives the stdio server both addresses.
 */
export type CvfService = 'gateway' | 'ingest';

/** A route of the REST API as its controller declares it (`/companies/:companyId/owed`). */
export interface RestRoute {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly url: string;
  readonly service: CvfService;
}

/** One call of the REST API: a route, the path with its parameters and query, a JSON body. */
export interface RestRequest {
  readonly route: RestRoute;
  /** The path (parameters filled in and encoded) and query string, e.g. `/companies/a%2Fb/owed?month=2020-02`. */
  readonly target: string;
  readonly body?: Readonly<Record<string, unknown>>;
}

/** What the API answered: its status and its body as sent (JSON, or problem details). */
export interface RestAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * How the tools reach the API, with the caller's credential bound in: over HTTP for the
 * stdio server, in-process (Fastify's inject) for the gateway's `/mcp`. Either way each call
 * passes the REST front door itself: bearer token, route policy, tenant, rate limit,
 * validation, and its error shapes.
 */
export type RestDispatch = (request: RestRequest) => Promise<RestAnswer>;

/**
 * A tool's result is the REST answer's body as sent: the JSON document on success, the
 * problem details (status, error, message, issues) with `isError` on anything else.
 */
export function toolResultOf(answer: RestAnswer): CallToolResult {
  const ok = answer.status >= 200 && answer.status < 300;
  return { content: [{ type: 'text', text: answer.body }], ...(ok ? {} : { isError: true }) };
}

/** `route.url` with its `:name` parameters filled in (URI-encoded) and the defined query. */
export function restRequest(
  route: RestRoute,
  params: Readonly<Record<string, string>>,
  options: {
    readonly query?: Readonly<Record<string, string | number | undefined>>;
    readonly body?: Readonly<Record<string, unknown>>;
  } = {},
): RestRequest {
  const path = route.url.replace(/:([A-Za-z]+)/g, (_whole, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for :${name} of ${route.url}`);
    return encodeURIComponent(value);
  });
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined) query.set(name, String(value));
  }
  const search = query.toString();
  return {
    route,
    target: search === '' ? path : `${path}?${search}`,
    ...(options.body === undefined ? {} : { body: options.body }),
  };
}
