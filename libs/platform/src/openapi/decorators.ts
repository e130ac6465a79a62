import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, type SchemaObject } from '@nestjs/swagger';
import { type OpenAPIObject } from '@nestjs/swagger';
import { type RoutePolicy } from '../auth/route-policy';

export const OPERATION_IDS = 'cvf:openapi:operation-ids';
export const COMMAND_ROUTE = 'cvf:openapi:command';
export const OPENAPI_CONTRIBUTION = 'cvf:openapi:contribution';

/**
 * The operationId of each route of a controller, by method name: what the typed client calls
 * it (`recordPayment`, `getCashflows`). Unique across the document; the document builder
 * refuses a route without one.
 */
export function ApiOperationIds(ids: Readonly<Record<string, string>>): ClassDecorator {
  return (target) => Reflect.defineMetadata(OPERATION_IDS, ids, target);
}

/**
 * A parameter decorator (a command's write context) that also marks its route as a command
 * on a stream: the document then shows the `If-Match` header and the answers a command can
 * give (409 conflict, 412 version mismatch, 422 rule violation).
 */
export function asCommandRoute<A extends unknown[]>(
  decorator: (...args: A) => ParameterDecorator,
): (...args: A) => ParameterDecorator {
  return (...args) =>
    (target, key, index) => {
      decorator(...args)(target, key, index);
      if (key !== undefined) Reflect.defineMetadata(COMMAND_ROUTE, true, target.constructor, key);
    };
}

/** What the document builder knows of a route from Nest's own metadata. */
export interface RouteFacts {
  /** `Controller.method`: what the swagger explorer is told to use as operationId at first. */
  readonly key: string;
  readonly operationId: string | undefined;
  /**
   * The status of a successful answer (@HttpCode, else 201 for POST and 200 otherwise); null
   * when the handler writes the reply itself (`@Res()` without passthrough: streams, MCP).
   */
  readonly successStatus: number | null;
  readonly policy: RoutePolicy | undefined;
  /** A command on a stream (the `commandRoute` marker): If-Match, 409, 412, 422. */
  readonly command: boolean;
}

/** What a module does to the operations of the document it is part of (its global enhancers). */
export type OpenApiContribution = (
  document: OpenAPIObject,
  routes: ReadonlyMap<string, RouteFacts>,
) => void;

/**
 * A module whose global interceptor or guard changes how routes answer (Idempotency-Key on
 * every POST, say) says so here, beside what it installs; every document of an app that
 * imports the module applies it.
 */
export function ContributesToOpenApi(contribution: OpenApiContribution): ClassDecorator {
  return (target) => Reflect.defineMetadata(OPENAPI_CONTRIBUTION, contribution, target);
}

/** `GET /health/live` of every service: `{ "status": "ok" }` while the process answers. */
export const ApiLiveness = (): MethodDecorator =>
  ApiOkResponse({
    schema: {
      title: 'Liveness',
      type: 'object',
      required: ['status'],
      properties: { status: { type: 'string', enum: ['ok'] } },
    },
  });

const indicators: SchemaObject = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    required: ['status'],
    properties: {
      status: { type: 'string', enum: ['up', 'down'] },
      responseTime: { type: 'number', description: 'ms the check took' },
      message: { type: 'string', description: 'why it is down' },
    },
    // What else a check reports is its own.
    additionalProperties: true,
  },
};

/** Terminus's report of each check, by name (PostgreSQL, Redis, the subscription…). */
function healthReport(title: string, statuses: readonly string[]): SchemaObject {
  return {
    title,
    type: 'object',
    required: ['status', 'info', 'error', 'details'],
    properties: {
      status: { type: 'string', enum: [...statuses] },
      info: { ...indicators, description: 'the checks that pass' },
      error: { ...indicators, description: 'the checks that fail' },
      details: { ...indicators, description: 'every check' },
    },
  };
}

/**
 * `GET /health/ready` (terminus): 200 with every check up, 503 naming the failing ones. Put
 * above `@HealthCheck()`: it replaces terminus's own schemas, which mark nothing required.
 */
export const ApiReadiness = (): MethodDecorator =>
  applyDecorators(
    ApiOkResponse({ schema: healthReport('Readiness', ['ok']) }),
    ApiServiceUnavailableResponse({
      schema: healthReport('Unreadiness', ['error', 'shutting_down']),
    }),
  );
