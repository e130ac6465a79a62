import { isCurrency } from '../shared/locale';
import { parseMoney, parseTermRatio, type Cents, type TermRatio } from '../shared/money';
import { parseDateToMonth, parseMonth, type MonthIndex } from '../shared/month';
import { isStorableText, UNSTORABLE_TEXT_REASON } from '../shared/text';

/**
 * Field rules of DOMAIN.md "Inputs", shared by every boundary (CSV files, REST bodies,
 * webhooks). Each returns the parsed value or a reason a person can act on.
 */
export type FieldResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const ok = <T>(value: T): FieldResult<T> => ({ ok: true, value });
const fail = <T>(reason: string): FieldResult<T> => ({ ok: false, reason });

export function requiredText(raw: string | undefined, maxLength = 200): FieldResult<string> {
  const text = (raw ?? '').trim();
  if (text === '') return fail('is required');
  if (text.length > maxLength) return fail(`must be at most ${maxLength} characters`);
  if (!isStorableText(text)) return fail(UNSTORABLE_TEXT_REASON);
  return ok(text);
}

/** An ISO 4217 currency code, upper case (a payment row's optional `currency`). */
export function currencyField(raw: string | undefined): FieldResult<string> {
  const text = (raw ?? '').trim();
  if (text === '') return fail('is required');
  return isCurrency(text) ? ok(text) : fail('must be an ISO 4217 currency code such as USD');
}

/**
 * A non-negative amount with at most `exponent` decimals (the currency's ISO 4217 exponent),
 * in minor units.
 */
export function amountField(raw: string | undefined, exponent: number): FieldResult<Cents> {
  if (raw === undefined || raw.trim() === '') return fail('is required');
  const parsed = parseMoney(raw, exponent);
  return 'error' in parsed ? fail(parsed.error) : ok(parsed.cents);
}

/** A strictly positive amount (cash cap, refund). */
export function positiveAmountField(raw: string | undefined, exponent: number): FieldResult<Cents> {
  const amount = amountField(raw, exponent);
  if (amount.ok && amount.value === 0) return fail('must be greater than 0');
  return amount;
}

/** A calendar date YYYY-MM-DD; returns its month. */
export function dateField(
  raw: string | undefined,
): FieldResult<{ date: string; month: MonthIndex }> {
  const text = (raw ?? '').trim();
  if (text === '') return fail('is required');
  const month = parseDateToMonth(text);
  return month === null ? fail(`'${text}' is not a date (YYYY-MM-DD)`) : ok({ date: text, month });
}

/**
 * A month: YYYY-MM or YYYY-MM-01, and (DOMAIN.md: "a date anywhere in a month belongs to that
 * month") any valid YYYY-MM-DD, which some exports write for cohort_start_at.
 */
export function monthField(raw: string | undefined): FieldResult<MonthIndex> {
  const text = (raw ?? '').trim();
  if (text === '') return fail('is required');
  const month = parseMonth(text) ?? parseDateToMonth(text);
  return month === null ? fail(`'${text}' is not a month (YYYY-MM or YYYY-MM-01)`) : ok(month);
}

/** A decimal in [min, max]; `minExclusive` for 0 < sharing_percentage. */
export function ratioField(
  raw: string | undefined,
  bounds: { min: number; max: number; minExclusive?: boolean },
): FieldResult<TermRatio> {
  const text = (raw ?? '').trim();
  if (text === '') return fail('is required');
  const value = parseTermRatio(text);
  if (value === null) return fail(`'${text}' is not a decimal number`);
  const belowMin = bounds.minExclusive ? value.lte(bounds.min) : value.lt(bounds.min);
  if (belowMin || value.gt(bounds.max)) {
    const low = bounds.minExclusive ? `greater than ${bounds.min}` : `at least ${bounds.min}`;
    return fail(`must be ${low} and at most ${bounds.max}`);
  }
  return ok(value);
}

/** A non-negative decimal without upper bound (m0). */
export function nonNegativeDecimalField(raw: string | undefined): FieldResult<TermRatio> {
  const text = (raw ?? '').trim();
  if (text === '') return fail('is required');
  const value = parseTermRatio(text);
  if (value === null) return fail(`'${text}' is not a decimal number`);
  return value.isNegative() ? fail('must not be negative') : ok(value);
}

/** A whole number ≥ 0 (payment period). */
export function periodField(raw: string | undefined): FieldResult<number> {
  const text = (raw ?? '').trim();
  if (text === '') return fail('is required');
  if (!/^\d{1,4}$/.test(text)) return fail(`'${text}' is not a whole number of months ≥ 0`);
  return ok(Number(text));
}

export const sharingPercentageField = (raw: string | undefined) =>
  ratioField(raw, { min: 0, max: 1, minExclusive: true });
export const minimumPaymentPercentField = (raw: string | undefined) =>
  ratioField(raw, { min: 0, max: 1 });
export const churnField = (raw: string | undefined) => ratioField(raw, { min: 0, max: 1 });
