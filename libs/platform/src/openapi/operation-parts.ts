import { type ParameterObject } from '@nestjs/swagger';
import { type Json, isObject } from './schema-walk';

/**
 * The reusable parts of operations: headers every service sends or reads, and the error
 * answers, each with its usual description. Operations refer to them by `$ref`.
 */

export const PROBLEM_REF = '#/components/schemas/Problem';

export const HEADERS = {
  'X-Request-Id': {
    description: "this request's id (the client's X-Request-Id when it is a plain token)",
    required: true,
    schema: { type: 'string' },
  },
  RateLimit: {
    description:
      'the caller\'s budget, "limit=<per minute>, remaining=<n>, reset=<seconds>" ' +
      '(draft-ietf-httpapi-ratelimit-headers)',
    schema: { type: 'string', examples: ['limit=600, remaining=599, reset=60'] },
  },
  'Retry-After': {
    description: 'seconds to wait before retrying',
    required: true,
    schema: { type: 'string', pattern: '^\\d+$' },
  },
  'WWW-Authenticate': {
    description: 'Bearer realm="cvf" (with error="invalid_token" for a token that does not verify)',
    required: true,
    schema: { type: 'string' },
  },
  'X-Log-Position': {
    description: 'the log position the data reflects ("<transaction>:<position>")',
    required: true,
    schema: { type: 'string', pattern: '^\\d+:\\d+$' },
  },
  ETag: {
    description: 'the stream version, quoted: send it back as If-Match',
    required: true,
    schema: { type: 'string', pattern: '^"\\d+"$' },
  },
  'Idempotent-Replayed': {
    description: 'true when this is the stored answer to an earlier request with the same key',
    schema: { type: 'string', enum: ['true'] },
  },
} satisfies Record<string, Json>;

export type HeaderName = keyof typeof HEADERS;

export const headerRef = (name: HeaderName): Json => ({
  $ref: `#/components/headers/${name}`,
});

export const PARAMETERS = {
  RequestId: {
    name: 'X-Request-Id',
    in: 'header',
    required: false,
    description:
      'an id of your own for this request (1–128 of A-Z a-z 0-9 . _ : @ -): logs, events and the answer carry it',
    schema: { type: 'string', pattern: '^[A-Za-z0-9._:@-]{1,128}$' },
  },
  IfMatch: {
    name: 'If-Match',
    in: 'header',
    required: false,
    description:
      'the stream version you read (ETag of GET /companies/{companyId}/terms, or stream_version ' +
      'of a write): the command is refused with 412 if the stream has moved on',
    schema: { type: 'string', pattern: '^\\s*(W/)?"?\\d{1,15}"?\\s*$', examples: ['"3"'] },
  },
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'retry safely: the first answer is stored (24 h) and returned for every repeat of the ' +
      'same request; the same key with another request is 422, a repeat while the first runs 409',
    schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,255}$' },
  },
} as const satisfies Record<string, ParameterObject>;

export const parameterRef = (name: keyof typeof PARAMETERS): Json => ({
  $ref: `#/components/parameters/${name}`,
});

/** What each error status means when a route says nothing more specific. */
export const ERROR_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'a bad parameter, header or body: `issues` names each bad field',
  401: 'no bearer token, or one that does not verify',
  403: "the caller's role may not do this",
  404: 'not found (another company’s resource answers the same)',
  405: 'method not allowed',
  409: 'conflict: the thing exists already, or a concurrent write won (retry)',
  412: 'If-Match names a version the stream has moved on from',
  413: 'the body is above the size limit',
  415: 'unsupported media type',
  422: 'well-formed, but a rule refuses it (`rule` says which)',
  429: 'too many requests from this credential: wait Retry-After seconds',
  500: 'our fault: quote the request id',
  503: 'not ready yet: retry after Retry-After seconds',
};

/** The headers an error answer carries beside X-Request-Id. */
const ERROR_HEADERS: Readonly<Record<number, readonly HeaderName[]>> = {
  401: ['WWW-Authenticate'],
  429: ['Retry-After'],
  503: ['Retry-After'],
};

function responsesOf(operation: Json): Json {
  if (!isObject(operation.responses)) operation.responses = {};
  return operation.responses as Json;
}

/**
 * Documents that the operation may answer `status` with a problem body, keeping what the
 * route says of it already (its description, or a body of its own such as a health report).
 */
export function addProblem(operation: Json, status: number, description?: string): void {
  const responses = responsesOf(operation);
  const existing = responses[status];
  const response: Json = isObject(existing) ? existing : {};
  const documented =
    typeof response.description === 'string' && response.description !== ''
      ? response.description
      : undefined;
  response.description = documented ?? description ?? ERROR_DESCRIPTIONS[status] ?? 'error';
  // An error is JSON whatever the success is (an SSE route's 404 is a problem, not a stream).
  const content = isObject(response.content) ? response.content : {};
  const own = Object.entries(content).find(([, media]) => isObject(media) && media.schema);
  const schema = own && isObject(own[1]) ? own[1].schema : undefined;
  const problem = isProblemLike(schema);
  response.content = { 'application/json': { schema: problem ? { $ref: PROBLEM_REF } : schema } };
  const headers = isObject(response.headers) ? response.headers : {};
  for (const name of problem ? (ERROR_HEADERS[status] ?? []) : [])
    headers[name] ??= headerRef(name);
  response.headers = headers;
  responses[status] = response;
}

/** No schema, or the problem shape itself: the shared Problem component. */
function isProblemLike(schema: unknown): boolean {
  return !isObject(schema) || schema.title === 'Problem' || schema.$ref === PROBLEM_REF;
}

/** Adds a parameter (by reference) unless the operation has one of that name already. */
export function addParameter(operation: Json, name: keyof typeof PARAMETERS): void {
  const parameters = Array.isArray(operation.parameters) ? (operation.parameters as Json[]) : [];
  const wanted = PARAMETERS[name].name;
  const ref = parameterRef(name).$ref;
  if (!parameters.some((p) => p.$ref === ref || (p.name === wanted && p.in === 'header'))) {
    parameters.push(parameterRef(name));
  }
  operation.parameters = parameters;
}
