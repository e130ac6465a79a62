import { type SchemaObject } from '@nestjs/swagger';
import {
  COMPANY_NAME_MAX,
  CUSTOMER_ID_MAX,
  ENTITY_ID_PATTERN,
  ENTITY_ID_RULE,
  OVERRIDE_REASON_MAX,
  VOID_REASON_MAX,
} from '@cvf/domain';

/**
 * The wire values of the API as JSON Schema, once: what an id, an amount, a month or a date
 * looks like on the wire, with the same rules the domain applies (libs/domain `wire`,
 * `inputs/fields`). Written in the OpenAPI 3.0 dialect Nest's decorators speak (`nullable`,
 * `example`); the finished document is converted to 3.1 (openapi-31.ts).
 */

const YEAR = '(19\\d\\d|[2-9]\\d{3})';
const MONTH = '(0[1-9]|1[0-2])';
const DAY = '(0[1-9]|[12]\\d|3[01])';

/** `^…$` of a RegExp without its flags: JSON Schema patterns are ECMA-262 too. */
const anchored = (pattern: RegExp): string => pattern.source;

export const wireSchemas = {
  /** Ids inside stream ids: companies, payments, refunds, secrets (libs/domain stream-ids.ts). */
  entityId: {
    type: 'string',
    pattern: anchored(ENTITY_ID_PATTERN),
    minLength: 1,
    maxLength: 100,
    description: ENTITY_ID_RULE,
  },
  /** An amount a caller sends: ≥ 0, at most the currency's decimals (JPY 0, USD 2, KWD 3). */
  amount: {
    type: 'string',
    pattern: '^\\d+(\\.\\d+)?$',
    maxLength: 32,
    example: '200.00',
    description:
      "a decimal string ≥ 0 with at most the company currency's decimals (JPY 0, USD 2, " +
      'KWD 3) and at most 15 digits in minor units',
  },
  /** An amount an answer shows: exactly the currency's decimals. */
  money: {
    type: 'string',
    pattern: '^-?\\d+(\\.\\d+)?$',
    example: '160.00',
    description: "decimal string with exactly the currency's decimals (JPY 0, USD 2, KWD 3)",
  },
  /** A contractual or assumed ratio a caller sends (sharing, minimum, churn, m0). */
  decimal: { type: 'string', pattern: '^\\d+(\\.\\d+)?$', maxLength: 40, example: '0.25' },
  /** A computed ratio: 6 decimals. */
  ratio: { type: 'string', pattern: '^-?\\d+\\.\\d{6}$', example: '0.320000' },
  /** A month as a caller may send it: `YYYY-MM` or `YYYY-MM-01`. */
  monthInput: {
    type: 'string',
    pattern: `^${YEAR}-${MONTH}(-01)?$`,
    example: '2020-01',
    description: 'YYYY-MM or YYYY-MM-01',
  },
  /** A month as answers write it. */
  month: {
    type: 'string',
    pattern: `^\\d{4}-${MONTH}-01$`,
    example: '2020-01-01',
    description: 'YYYY-MM-01',
  },
  /** A calendar date (a real one: no 2021-02-30). */
  date: {
    type: 'string',
    format: 'date',
    pattern: `^${YEAR}-${MONTH}-${DAY}$`,
    example: '2020-01-15',
    description: 'YYYY-MM-DD',
  },
  /** An instant, ISO 8601 in UTC. */
  instant: { type: 'string', format: 'date-time', example: '2026-01-15T10:00:00.000Z' },
  /** A log position, `<transaction>:<global position>`. */
  position: {
    type: 'string',
    pattern: '^\\d+:\\d+$',
    example: '7423:1051',
    description: 'log position "<transaction>:<position>"; pass as min_position to read it',
  },
  currency: {
    type: 'string',
    pattern: '^[A-Z]{3}$',
    example: 'USD',
    description: 'ISO 4217 code',
  },
  timezone: { type: 'string', minLength: 1, example: 'Europe/Berlin', description: 'IANA name' },
  /** A payment period: whole months after the cohort month. */
  period: { type: 'integer', minimum: 0, maximum: 9999, example: 1 },
} satisfies Record<string, SchemaObject>;

/** Free text: trimmed, not blank, at most `max` characters. */
export const textSchema = (max: number): SchemaObject => ({
  type: 'string',
  minLength: 1,
  maxLength: max,
  pattern: '\\S',
});

/**
 * What each field name of a request means, wherever it appears (bodies, path, query): the
 * API's wire vocabulary is one (DOMAIN.md "Inputs": `cohort_month` is a month everywhere,
 * `amount` an amount). The document builder merges these into every request field of that
 * name that is a plain string or integer and states no rule of its own.
 */
export const REQUEST_FIELDS: Readonly<Record<string, SchemaObject>> = {
  id: wireSchemas.entityId,
  company_id: wireSchemas.entityId,
  companyId: wireSchemas.entityId,
  payment_id: wireSchemas.entityId,
  paymentId: wireSchemas.entityId,
  refund_id: wireSchemas.entityId,
  secretId: wireSchemas.entityId,
  customer_id: textSchema(CUSTOMER_ID_MAX),
  name: textSchema(COMPANY_NAME_MAX),
  reason: textSchema(Math.max(OVERRIDE_REASON_MAX, VOID_REASON_MAX)),
  amount: wireSchemas.amount,
  cash_cap: wireSchemas.amount,
  planned_spend: wireSchemas.amount,
  actual_spend: wireSchemas.amount,
  sharing_percentage: wireSchemas.decimal,
  minimum_payment_percent: wireSchemas.decimal,
  m0: wireSchemas.decimal,
  churn: wireSchemas.decimal,
  cohort_month: wireSchemas.monthInput,
  cohortMonth: wireSchemas.monthInput,
  month: wireSchemas.monthInput,
  payment_date: wireSchemas.date,
  from: wireSchemas.date,
  to: wireSchemas.date,
  payment_period_month: wireSchemas.period,
  period: wireSchemas.period,
  currency: wireSchemas.currency,
  timezone: wireSchemas.timezone,
  min_position: wireSchemas.position,
};

const fieldIssue: SchemaObject = {
  title: 'FieldIssue',
  type: 'object',
  required: ['field', 'reason'],
  properties: {
    field: { type: 'string', description: 'the wire name of the field, parameter or header' },
    reason: { type: 'string' },
  },
};

const rowIssue: SchemaObject = {
  title: 'RowIssue',
  type: 'object',
  required: ['row', 'column', 'reason'],
  properties: {
    row: { type: 'integer', minimum: 1, description: "the file's line number (header: 1)" },
    column: { type: 'string' },
    reason: { type: 'string' },
  },
};

/**
 * The one error body (libs/platform http/problem.filter.ts): `status`, a stable `error` code,
 * a `message` for people, and for validation the `issues` that name each bad field or row.
 * The other fields are the details of particular errors (ApplicationError `details`).
 */
export const problemSchema: SchemaObject = {
  title: 'Problem',
  type: 'object',
  required: ['status', 'error', 'message'],
  properties: {
    status: { type: 'integer', minimum: 400, maximum: 599, description: 'the HTTP status' },
    error: {
      type: 'string',
      example: 'validation_failed',
      description:
        'validation_failed, bad_request, unauthenticated, forbidden, not_found, conflict, ' +
        'concurrent_modification, version_mismatch, payload_too_large, ' +
        'unsupported_media_type, rule_violation, idempotency_key_reused, ' +
        'idempotency_key_in_flight, payment_conflict, payment_not_recorded_yet, ' +
        'invalid_signature, rate_limited, not_yet_consistent, method_not_allowed, ' +
        'internal_error, …',
    },
    message: { type: 'string' },
    issues: {
      type: 'array',
      items: { oneOf: [fieldIssue, rowIssue] },
      description: 'every bad field (or row of a file), 400 only',
    },
    issue_count: { type: 'integer', description: 'bad rows in all (the first 100 are listed)' },
    rule: { type: 'string', description: 'the rule a 422 rule_violation broke' },
    current_version: { type: 'integer', description: 'the stream version now (412)' },
    limit_bytes: { type: 'integer', description: 'the size limit (413)' },
    allowed: {
      type: 'array',
      items: { type: 'string' },
      description: 'the methods the path answers (405; also the Allow header)',
    },
    limit_per_minute: { type: 'integer' },
    retry_after_seconds: { type: 'integer' },
    min_position: { ...wireSchemas.position, description: 'the position asked for (503)' },
    position: { ...wireSchemas.position, nullable: true, description: 'the position reached' },
    payment_id: {
      type: 'string',
      description: 'the payment a 409 payment_not_recorded_yet waits for',
    },
    conflict_count: { type: 'integer' },
    conflicts: {
      type: 'array',
      description: 'rows naming payments recorded with other facts (409 payment_conflict)',
      items: {
        type: 'object',
        required: ['row', 'payment_id', 'uploaded', 'recorded'],
        properties: {
          row: { type: 'integer' },
          payment_id: { type: 'string' },
          uploaded: { type: 'object' },
          recorded: { type: 'object', nullable: true },
        },
      },
    },
  },
};
