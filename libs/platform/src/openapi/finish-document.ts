import { type LicenseObject, type OpenAPIObject, type SchemaObject } from '@nestjs/swagger';
import { ROLES } from '../auth/principal';
import { type OpenApiContribution, type RouteFacts } from './decorators';
import { toOpenApi31 } from './openapi-31';
import { addParameter, addProblem, HEADERS, headerRef, PARAMETERS } from './operation-parts';
import { hoistTitledSchemas } from './schema-components';
import { isObject, type Json, operationsOf } from './schema-walk';
import { problemSchema, REQUEST_FIELDS } from './wire-schemas';

/**
 * Nest's explorer writes what the decorators say; this makes the document say what the app
 * does, from what the routes declare once (policy, status code, command marker) and what
 * every route shares (the front door, the problem filter, the request id):
 * - each operation's friendly operationId (@ApiOperationIds), its real success status, its
 *   security from the route policy (public routes have none), the request and response
 *   headers of the front door, and a problem body for every error it can answer;
 * - request fields carry the wire vocabulary's rules (REQUEST_FIELDS) and request bodies
 *   refuse unknown fields, as the ValidationPipe does (forbidNonWhitelisted);
 * - named (`title`) schemas become components, and the whole is OpenAPI 3.1.
 */
export function finishDocument(
  explored: OpenAPIObject,
  routes: ReadonlyMap<string, RouteFacts>,
  contributions: readonly OpenApiContribution[],
): OpenAPIObject {
  // A JSON copy: the explorer shares objects between operations (a class-level response),
  // which each operation here changes on its own.
  const document = JSON.parse(JSON.stringify(explored)) as OpenAPIObject;
  const byOperationId = new Map<string, RouteFacts>();
  for (const { path, method, operation } of operationsOf(document)) {
    const facts = routes.get(String(operation.operationId));
    if (!facts) throw new Error(`${method.toUpperCase()} ${path}: no route behind it`);
    operation.operationId = facts.operationId ?? facts.key.replace('.', '_');
    byOperationId.set(String(operation.operationId), facts);
    successResponse(operation, facts);
    security(operation, facts);
    requestFields(document, operation);
  }
  for (const contribute of contributions) contribute(document, byOperationId);
  for (const { path, operation } of operationsOf(document)) {
    const facts = byOperationId.get(String(operation.operationId));
    if (facts) errorsAndHeaders(path, operation, facts);
  }
  // Copies: what follows changes the document's schemas in place.
  const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, Problem: copy(problemSchema) },
    headers: copy(HEADERS),
    parameters: copy(PARAMETERS),
    securitySchemes: copy(SECURITY_SCHEMES),
  };
  hoistTitledSchemas(document);
  return {
    ...toOpenApi31(document),
    // 3.1's SPDX `identifier` (Nest's types know only 3.0's `url`).
    info: {
      ...document.info,
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' } as LicenseObject,
    },
    servers: [{ url: '/', description: 'the service that serves this document' }],
  };
}

const SECURITY_SCHEMES = {
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'cvfk_…',
    description: 'An API key (POST /api-keys), stored hashed, shown once.',
  },
  jwt: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A JWT with claims sub, cvf_role and (role company) company_id.',
  },
} as const;

/**
 * The status the route really answers on success (its @HttpCode, or Nest's default) holds
 * the success body; a 2xx it never answers (a class-wide 200 on a POST that is 201) goes.
 */
function successResponse(operation: Json, facts: RouteFacts): void {
  const real = facts.successStatus;
  if (real === null || !isObject(operation.responses)) return;
  const responses = operation.responses;
  // `2XX`: what every route of a controller answers on success (its class-level response).
  const successes = Object.keys(responses).filter((status) => /^2(\d\d|XX)$/.test(status));
  const withBody = (status: string): Json | undefined => {
    const response = responses[status];
    return isObject(response) && response.content !== undefined ? response : undefined;
  };
  const own = responses[String(real)];
  const response: Json =
    withBody(String(real)) ??
    successes.map(withBody).find((found) => found !== undefined) ??
    (isObject(own) ? own : { description: '' });
  for (const status of successes) delete responses[status];
  if (typeof response.description !== 'string' || response.description === '') {
    response.description = real === 201 ? 'created' : 'done';
  }
  responses[String(real)] = response;
}

/** Who may call: the roles of the route policy, as bearer API keys or JWTs; public: nobody. */
function security(operation: Json, facts: RouteFacts): void {
  const policy = facts.policy;
  if (policy?.kind === 'roles') {
    const roles = [...policy.roles];
    operation.security = [{ apiKey: roles }, { jwt: roles }];
    operation['x-cvf-roles'] = roles;
  } else {
    operation.security = [];
  }
}

/**
 * Every request field named in the wire vocabulary carries its rules, unless the route
 * states rules of its own; a JSON body accepts no field beyond those it declares.
 */
function requestFields(document: OpenAPIObject, operation: Json): void {
  const parameters = Array.isArray(operation.parameters) ? (operation.parameters as Json[]) : [];
  for (const parameter of parameters) {
    const rule = REQUEST_FIELDS[String(parameter.name)];
    if (rule && isObject(parameter.schema)) parameter.schema = withRule(parameter.schema, rule);
  }
  const body = isObject(operation.requestBody) ? operation.requestBody.content : undefined;
  const json = isObject(body) ? body['application/json'] : undefined;
  const ref = isObject(json) && isObject(json.schema) ? json.schema.$ref : undefined;
  if (typeof ref !== 'string') return;
  const component = document.components?.schemas?.[ref.split('/').at(-1) ?? ''] as Json | undefined;
  if (!isObject(component)) return;
  component.additionalProperties = false;
  const properties = isObject(component.properties) ? component.properties : {};
  for (const [name, property] of Object.entries(properties)) {
    const rule = REQUEST_FIELDS[name];
    if (rule && isObject(property)) properties[name] = withRule(property, rule);
  }
}

/** The rule merged into a plain string or integer schema (or the string branch of a oneOf). */
function withRule(schema: Json, rule: SchemaObject | Json): Json {
  if (Array.isArray(schema.oneOf)) {
    return {
      ...schema,
      oneOf: (schema.oneOf as Json[]).map((branch) =>
        isObject(branch) ? withRule(branch, rule) : branch,
      ),
    };
  }
  const ownRules = ['pattern', 'format', 'enum', 'minimum', 'maxLength'].some((k) => k in schema);
  // A path parameter declared `type: Number` is an integer here.
  const type = schema.type === 'number' && rule.type === 'integer' ? 'integer' : schema.type;
  if (ownRules || type !== rule.type) return schema;
  const { description, example, ...constraints } = rule as Json;
  const merged: Json = { ...constraints, ...schema, type };
  if (merged.description === undefined && description !== undefined)
    merged.description = description;
  if (merged.example === undefined && example !== undefined) merged.example = example;
  return merged;
}

/** The errors every route can answer by what it is, with the front door's headers. */
function errorsAndHeaders(path: string, operation: Json, facts: RouteFacts): void {
  const limited = !path.startsWith('/health/');
  const parameters = Array.isArray(operation.parameters) ? (operation.parameters as Json[]) : [];
  const hasBody = isObject(operation.requestBody);
  const policy = facts.policy;
  if (policy?.kind === 'roles') {
    addProblem(operation, 401);
    if (ROLES.some((role) => !policy.roles.includes(role))) addProblem(operation, 403);
  }
  if (parameters.length > 0 || hasBody) addProblem(operation, 400);
  if (parameters.some((p) => p.in === 'path')) addProblem(operation, 404);
  if (hasBody) {
    addProblem(operation, 413);
    addProblem(operation, 415);
  }
  if (facts.command) {
    addParameter(operation, 'IfMatch');
    addProblem(operation, 409);
    addProblem(operation, 412);
    addProblem(operation, 422);
  }
  if (limited) addProblem(operation, 429);
  addProblem(operation, 500);
  // What the route documents itself too: a problem, JSON whatever the success's media type.
  for (const status of Object.keys(operation.responses as Json)) {
    if (/^[45]\d\d$/.test(status)) addProblem(operation, Number(status));
  }
  addParameter(operation, 'RequestId');
  const responses = operation.responses as Json;
  for (const [status, response] of Object.entries(responses)) {
    if (!isObject(response)) continue;
    const headers = isObject(response.headers) ? response.headers : {};
    const streamed = facts.successStatus === null && /^2/.test(status) && isStream(response);
    headers['X-Request-Id'] ??= streamed
      ? { ...HEADERS['X-Request-Id'], required: false }
      : headerRef('X-Request-Id');
    if (limited && /^2/.test(status)) headers.RateLimit ??= headerRef('RateLimit');
    response.headers = headers;
  }
}

const isStream = (response: Json): boolean =>
  isObject(response.content) && 'text/event-stream' in response.content;
