import { type OpenAPIObject } from '@nestjs/swagger';

/** A schema as the walkers see it: plain JSON (the document is JSON; types are Nest's 3.0). */
export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const SUBSCHEMA_LISTS = ['allOf', 'oneOf', 'anyOf', 'prefixItems'] as const;
const SUBSCHEMAS = ['items', 'not', 'additionalProperties', 'contains'] as const;

/** Visits `schema` and every schema inside it, parents first. */
export function walkSchema(schema: unknown, visit: (schema: Json) => void): void {
  if (!isObject(schema)) return;
  visit(schema);
  for (const key of SUBSCHEMA_LISTS) {
    const list = schema[key];
    if (Array.isArray(list)) for (const item of list) walkSchema(item, visit);
  }
  for (const key of SUBSCHEMAS) walkSchema(schema[key], visit);
  const properties = schema.properties;
  if (isObject(properties))
    for (const property of Object.values(properties)) walkSchema(property, visit);
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** Every operation of the document with its path and method. */
export function* operationsOf(
  document: OpenAPIObject,
): Generator<{ path: string; method: (typeof HTTP_METHODS)[number]; operation: Json }> {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = (item as Json)[method];
      if (isObject(operation)) yield { path, method, operation };
    }
  }
}

/** The top-level schemas of the document: components, parameters, bodies, responses, headers. */
export function* rootSchemasOf(document: OpenAPIObject): Generator<unknown> {
  yield* Object.values(document.components?.schemas ?? {});
  const contentSchemas = function* (content: unknown): Generator<unknown> {
    if (!isObject(content)) return;
    for (const media of Object.values(content)) if (isObject(media)) yield media.schema;
  };
  const headerSchemas = function* (headers: unknown): Generator<unknown> {
    if (!isObject(headers)) return;
    for (const header of Object.values(headers)) if (isObject(header)) yield header.schema;
  };
  for (const { operation } of operationsOf(document)) {
    const parameters = operation.parameters;
    if (Array.isArray(parameters)) {
      for (const parameter of parameters) if (isObject(parameter)) yield parameter.schema;
    }
    if (isObject(operation.requestBody)) yield* contentSchemas(operation.requestBody.content);
    if (isObject(operation.responses)) {
      for (const response of Object.values(operation.responses)) {
        if (!isObject(response)) continue;
        yield* contentSchemas(response.content);
        yield* headerSchemas(response.headers);
      }
    }
  }
  for (const response of Object.values(document.components?.responses ?? {})) {
    if (isObject(response)) {
      yield* contentSchemas(response.content);
      yield* headerSchemas(response.headers);
    }
  }
  for (const header of Object.values(document.components?.headers ?? {})) {
    if (isObject(header)) yield header.schema;
  }
  for (const parameter of Object.values(document.components?.parameters ?? {})) {
    if (isObject(parameter)) yield parameter.schema;
  }
}

/** Visits every schema of the document, nested ones included. */
export function walkDocumentSchemas(document: OpenAPIObject, visit: (schema: Json) => void): void {
  for (const root of rootSchemasOf(document)) walkSchema(root, visit);
}

/**
 * `schema` with each nested schema replaced by `map` of it, children first (and the schema
 * itself last, unless `withRoot` is false).
 */
export function mapSchema(schema: unknown, map: (schema: Json) => Json, withRoot = true): unknown {
  if (!isObject(schema)) return schema;
  const copy: Json = { ...schema };
  for (const key of SUBSCHEMA_LISTS) {
    const list = copy[key];
    if (Array.isArray(list)) copy[key] = list.map((item) => mapSchema(item, map));
  }
  for (const key of SUBSCHEMAS) if (isObject(copy[key])) copy[key] = mapSchema(copy[key], map);
  if (isObject(copy.properties)) {
    copy.properties = Object.fromEntries(
      Object.entries(copy.properties).map(([name, property]) => [name, mapSchema(property, map)]),
    );
  }
  return withRoot ? map(copy) : copy;
}

/** Replaces every top-level schema of the operations (parameters, bodies, responses). */
export function mapOperationSchemas(
  document: OpenAPIObject,
  map: (schema: unknown) => unknown,
): void {
  const inContent = (content: unknown) => {
    if (!isObject(content)) return;
    for (const media of Object.values(content)) {
      if (isObject(media) && media.schema !== undefined) media.schema = map(media.schema);
    }
  };
  const inHeaders = (headers: unknown) => {
    if (!isObject(headers)) return;
    for (const header of Object.values(headers)) {
      if (isObject(header) && header.schema !== undefined) header.schema = map(header.schema);
    }
  };
  for (const { operation } of operationsOf(document)) {
    if (Array.isArray(operation.parameters)) {
      for (const parameter of operation.parameters) {
        if (isObject(parameter) && parameter.schema !== undefined) {
          parameter.schema = map(parameter.schema);
        }
      }
    }
    if (isObject(operation.requestBody)) inContent(operation.requestBody.content);
    if (isObject(operation.responses)) {
      for (const response of Object.values(operation.responses)) {
        if (!isObject(response)) continue;
        inContent(response.content);
        inHeaders(response.headers);
      }
    }
  }
}
