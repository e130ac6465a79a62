import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { type OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_REF } from '../openapi/operation-parts';
import { isObject, type Json, operationsOf } from '../openapi/schema-walk';

/** What an error answer on no documented path must be (one object: validators are cached by it). */
const PROBLEM_SCHEMA = { $ref: PROBLEM_REF };

/** One answer as a client saw it. */
export interface ObservedExchange {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
  readonly body: string;
}

const DOCUMENT_ID = 'urn:cvf:openapi';

/** Routes the document does not describe: its own page. */
const UNDOCUMENTED = /^\/docs(\/|$)/;

interface Operation {
  readonly id: string;
  readonly method: string;
  readonly pattern: RegExp;
  readonly literals: number;
  readonly operation: Json;
}

/**
 * Checks answers against an OpenAPI document: the operation the request matched, a status it
 * documents, a media type it documents, a body valid against that media type's schema (in a
 * strict reading: an object schema that lists properties admits no others, so an undocumented
 * field fails), and the headers it requires. What the document does not know (a path no
 * operation has) may only be a problem answer.
 */
export class ContractChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly operations: readonly Operation[];
  private readonly validators = new Map<unknown, ValidateFunction>();
  private readonly headerComponents: Json;
  /** The operationIds of the operations seen, with the statuses each answered. */
  readonly seen = new Map<string, Set<number>>();

  constructor(document: OpenAPIObject) {
    addFormats(this.ajv);
    this.headerComponents = { ...document.components?.headers };
    const strict = closeObjects(structuredClone(document.components?.schemas ?? {}));
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: { schemas: strict } });
    this.operations = [...operationsOf(document)]
      .map(({ path, method, operation }) => ({
        id: String(operation.operationId),
        method: method.toUpperCase(),
        pattern: new RegExp(
          `^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`,
        ),
        literals: path.split('/').filter((segment) => !segment.startsWith('{')).length,
        operation,
      }))
      // A literal segment wins over a parameter (`/payments/upload` over `/payments/{id}`).
      .sort((a, b) => b.literals - a.literals);
  }

  /** What is wrong with the answer; empty when the document describes it. */
  problems(exchange: ObservedExchange): string[] {
    const method = exchange.method.toUpperCase();
    const path = exchange.url.split('?')[0] ?? '';
    if (method === 'HEAD' || method === 'OPTIONS' || UNDOCUMENTED.test(path)) return [];
    const find = (candidate: string) =>
      this.operations.find((op) => op.method === method && op.pattern.test(candidate));
    // A success at `/companies/` is the documented `/companies` answering a trailing slash.
    const matched =
      find(path) ?? (exchange.status < 400 ? find(path.replace(/(.)\/+$/, '$1')) : undefined);
    if (!matched) {
      if (exchange.status >= 400) return this.bodyProblems(PROBLEM_SCHEMA, exchange);
      return [`no operation for ${method} ${path} (answered ${exchange.status})`];
    }
    const statuses = this.seen.get(matched.id) ?? new Set<number>();
    statuses.add(exchange.status);
    this.seen.set(matched.id, statuses);
    const responses = isObject(matched.operation.responses) ? matched.operation.responses : {};
    const status = String(exchange.status);
    const response = responses[status] ?? responses[`${status[0] ?? ''}XX`] ?? responses.default;
    if (!isObject(response)) {
      return [
        `${matched.id}: status ${status} is not documented (${Object.keys(responses).join(', ')})`,
      ];
    }
    const problems = this.headerProblems(response, exchange).map(
      (p) => `${matched.id} ${status}: ${p}`,
    );
    const content = isObject(response.content) ? response.content : {};
    const mediaTypes = Object.keys(content);
    if (mediaTypes.length === 0) {
      if (exchange.body !== '')
        problems.push(`${matched.id} ${status}: a body where none is documented`);
      return problems;
    }
    const sent =
      String(header(exchange.headers, 'content-type') ?? '')
        .split(';')[0]
        ?.trim() ?? '';
    if (!mediaTypes.includes(sent)) {
      problems.push(
        `${matched.id} ${status}: content-type '${sent}', documented ${mediaTypes.join(', ')}`,
      );
      return problems;
    }
    const media = content[sent];
    if (sent === 'application/json' && isObject(media) && media.schema !== undefined) {
      problems.push(
        ...this.bodyProblems(media.schema, exchange).map((p) => `${matched.id} ${status}: ${p}`),
      );
    }
    return problems;
  }

  private bodyProblems(schema: unknown, exchange: ObservedExchange): string[] {
    let body: unknown;
    try {
      body = JSON.parse(exchange.body);
    } catch {
      return [`the body is not JSON: ${exchange.body.slice(0, 200)}`];
    }
    const validate = this.validatorOf(schema);
    if (validate(body)) return [];
    return (validate.errors ?? []).slice(0, 8).map((error) => {
      const extra =
        isObject(error.params) && 'additionalProperty' in error.params
          ? ` '${String(error.params.additionalProperty)}'`
          : '';
      return `body${error.instancePath} ${error.message ?? 'is invalid'}${extra}`;
    });
  }

  private headerProblems(response: Json, exchange: ObservedExchange): string[] {
    const problems: string[] = [];
    const headers = isObject(response.headers) ? response.headers : {};
    for (const [name, declared] of Object.entries(headers)) {
      const spec = this.resolve(declared);
      const value = header(exchange.headers, name);
      if (value === undefined) {
        if (spec.required === true) problems.push(`header ${name} is missing`);
        continue;
      }
      if (spec.schema !== undefined && !this.validatorOf(spec.schema)(String(value))) {
        problems.push(`header ${name}: '${String(value)}' does not match its schema`);
      }
    }
    return problems;
  }

  /** The header object behind a `$ref` (components.headers). */
  private resolve(declared: unknown): Json {
    if (!isObject(declared)) return {};
    const ref = declared.$ref;
    if (typeof ref !== 'string') return declared;
    const found = this.headerComponents[ref.split('/').at(-1) ?? ''];
    return isObject(found) ? found : {};
  }

  private validatorOf(schema: unknown): ValidateFunction {
    let validate = this.validators.get(schema);
    if (!validate) {
      // rebase copies the schema: closing its objects leaves the document as it is.
      validate = this.ajv.compile(closeObjects(rebase(schema)));
      this.validators.set(schema, validate);
    }
    return validate;
  }
}

function header(
  headers: ObservedExchange['headers'],
  name: string,
): string | string[] | number | undefined {
  const wanted = name.toLowerCase();
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === wanted);
  return key === undefined ? undefined : headers[key];
}

/** Every object schema that lists its properties admits no others unless it says so. */
function closeObjects<T>(schema: T): T {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!isObject(node)) return;
    if (isObject(node.properties) && node.additionalProperties === undefined) {
      node.additionalProperties = false;
    }
    Object.values(node).forEach(visit);
  };
  visit(schema);
  return schema;
}

/** Operation-level schemas refer to `#/components/…` of the document, registered apart. */
function rebase(schema: unknown): Json {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!isObject(node)) return node;
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [
        key,
        key === '$ref' && typeof value === 'string' && value.startsWith('#/')
          ? `${DOCUMENT_ID}${value}`
          : visit(value),
      ]),
    );
  };
  return visit(schema) as Json;
}
