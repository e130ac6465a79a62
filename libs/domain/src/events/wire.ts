import {
  amountField,
  churnField,
  dateField,
  type FieldResult,
  minimumPaymentPercentField,
  monthField,
  nonNegativeDecimalField,
  periodField,
  positiveAmountField,
  requiredText,
  sharingPercentageField,
} from '../inputs/fields';
import { isCurrency, isTimeZone } from '../shared/locale';
import {
  type Cents,
  type Dec,
  parseTermRatio,
  storedMinorUnits,
  type TermRatio,
} from '../shared/money';
import { type MonthIndex, parseMonth } from '../shared/month';
import { ValidationError, type ValidationIssue } from './errors';
import { EventSchemaError } from './schema';
import { ENTITY_ID_RULE, isValidEntityId } from './stream-ids';

/**
 * Raw command fields (the wire form a caller sent) → domain values. The field rules
 * themselves are DOMAIN.md's, kept once in inputs/fields.ts and shared with the CSV reader;
 * this module adapts them to commands and adds what commands need besides (ids, enums,
 * optional fields, and `validateFields`, which reports every bad field at once).
 *
 * Values typed `string` may still be anything at runtime (a JSON body), so each parser checks
 * the runtime type first: bad input must never become a 500.
 */

export type Parsed<T> = FieldResult<T>;

/**
 * The money and rate fields of command bodies, by their wire names (aliases included): a
 * JSON number in one of them is read as the decimal text it was written with (the HTTP
 * layer's JSON parser), so every rule below sees text, never a float.
 */
export const DECIMAL_FIELDS: ReadonlySet<string> = new Set([
  'amount',
  'cash_cap',
  'planned_spend',
  'spend',
  'actual_spend',
  'sharing_percentage',
  'minimum_payment_percent',
  'm0',
  'churn',
]);

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

/** All fields parsed, or a ValidationError naming each field that failed. */
export function validateFields<T extends Record<string, unknown>>(fields: {
  readonly [K in keyof T]: Parsed<T[K]>;
}): T {
  const issues: ValidationIssue[] = [];
  const values: Record<string, unknown> = {};
  for (const [field, result] of Object.entries(fields) as [string, Parsed<unknown>][]) {
    if (result.ok) values[field] = result.value;
    else issues.push({ field, reason: result.reason });
  }
  if (issues.length > 0) throw new ValidationError(issues);
  return values as T;
}

/** Applies a text field rule to a value that is text (or absent) at runtime. */
function fromText<T>(raw: unknown, rule: (text: string | undefined) => FieldResult<T>): Parsed<T> {
  if (raw === undefined || raw === null) return rule(undefined);
  return typeof raw === 'string' ? rule(raw) : fail('must be a string');
}

/**
 * An amount ≥ 0 (or > 0) with at most `exponent` decimals (the currency's), as exact minor
 * units.
 */
export function money(
  raw: unknown,
  sign: 'non-negative' | 'positive',
  exponent: number,
): Parsed<Cents> {
  const rule = sign === 'positive' ? positiveAmountField : amountField;
  return fromText(raw, (text) => rule(text, exponent));
}

/** `YYYY-MM-01`, `YYYY-MM`, or any real date of the month. */
export const month = (raw: unknown): Parsed<MonthIndex> => fromText(raw, monthField);

/** A real calendar date `YYYY-MM-DD` (no 2021-02-30), returned trimmed. */
export function calendarDate(raw: unknown): Parsed<string> {
  const parsed = fromText(raw, dateField);
  return parsed.ok ? ok(parsed.value.date) : parsed;
}

/** 0 < sharing_percentage ≤ 1 */
export const sharingPercentage = (raw: unknown): Parsed<Dec> =>
  fromText(raw, sharingPercentageField);
/** 0 ≤ minimum_payment_percent ≤ 1 */
export const minimumPaymentPercent = (raw: unknown): Parsed<Dec> =>
  fromText(raw, minimumPaymentPercentField);
/** 0 ≤ churn ≤ 1 */
export const churn = (raw: unknown): Parsed<Dec> => fromText(raw, churnField);
/** 0 ≤ m0 */
export const m0 = (raw: unknown): Parsed<Dec> => fromText(raw, nonNegativeDecimalField);

/**
 * A payment period (whole months after the cohort month): an integer ≥ 0. Commands carry it
 * as a JSON number; the rule is the CSV column's.
 */
export function period(raw: unknown): Parsed<number> {
  return typeof raw === 'number' && Number.isSafeInteger(raw)
    ? periodField(String(raw))
    : fail('must be a whole number of months ≥ 0');
}

/** Free text, trimmed, non-empty, at most `maxLength` characters. */
export const text = (raw: unknown, maxLength: number): Parsed<string> =>
  fromText(raw, (value) => requiredText(value, maxLength));

/** An id that may appear in a stream id (see stream-ids.ts); taken exactly, not trimmed. */
export function entityId(raw: unknown): Parsed<string> {
  return isValidEntityId(raw) ? ok(raw) : fail(`must be ${ENTITY_ID_RULE}`);
}

/** An ISO 4217 currency code, upper case (`EUR`). */
export function currency(raw: unknown): Parsed<string> {
  if (typeof raw !== 'string') return fail('must be a string');
  return isCurrency(raw) ? ok(raw) : fail('must be an ISO 4217 currency code such as USD or EUR');
}

/** An IANA time zone name (`America/Los_Angeles`, `UTC`). */
export function timeZone(raw: unknown): Parsed<string> {
  if (typeof raw !== 'string') return fail('must be a string');
  return isTimeZone(raw)
    ? ok(raw)
    : fail('must be an IANA time zone name such as Europe/Berlin or UTC');
}

export function oneOf<V extends string>(raw: unknown, allowed: readonly V[]): Parsed<V> {
  return typeof raw === 'string' && (allowed as readonly string[]).includes(raw)
    ? ok(raw as V)
    : fail(`must be one of ${allowed.join(', ')}`);
}

export function optional<T>(
  raw: unknown,
  parse: (present: unknown) => Parsed<T>,
): Parsed<T | undefined> {
  return raw === undefined || raw === null ? ok(undefined) : parse(raw);
}

// Reading stored payloads back (evolve). They were written by the deciders in canonical form,
// so a failure here means a corrupt log, not bad input.

/** A stored amount (canonical, see `storedMinorUnits`) in minor units. */
export function storedCents(amount: string): Cents {
  const cents = storedMinorUnits(amount);
  if (cents === null) throw new EventSchemaError(`stored amount '${amount}' is malformed`);
  return cents;
}

export function storedMonth(text: string): MonthIndex {
  const index = parseMonth(text);
  if (index === null) throw new EventSchemaError(`stored month '${text}' is malformed`);
  return index;
}

/** A stored contractual ratio, keeping the text it was entered as (see TermRatio). */
export function storedRatio(text: string): TermRatio {
  const value = parseTermRatio(text);
  if (value === null) throw new EventSchemaError(`stored ratio '${text}' is malformed`);
  return value;
}
