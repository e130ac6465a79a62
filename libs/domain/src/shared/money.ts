import Decimal from 'decimal.js';

/**
 * Money has two exact representations:
 * - `Cents`: an integer number of minor units of the company's currency (DOMAIN.md: "cents"
 *   means that minor unit: a cent of USD, a yen, a fils of KWD), used wherever amounts only add up
 *   (payments, refunds, spend, caps, cohort totals). Integers below 2^53 are exact in a
 *   JS number; `assertSafeCents` guards every sum that could approach that bound.
 * - `Dec`: decimal.js, used where fractions arise (shares, predictions, ratios).
 * No JS float ever holds money.
 */
export type Cents = number;

/**
 * Decimal configured for this domain. 64 significant digits keep predictions "at full
 * precision" in practice: (1 - churn)^k for a 2-decimal churn stays exact up to k = 32 and
 * loses nothing at the cent for any horizon. Rounding is half-up, as DOMAIN.md demands.
 */
export const Dec = Decimal.clone({
  precision: 64,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -100,
  toExpPos: 100,
});
export type Dec = Decimal;

const DECIMAL_RE = /^-?\d+(?:\.\d+)?$/;
const AMOUNT_RE = /^(\d+)(?:\.(\d+))?$/;
/** Digits of an amount in minor units (integer and fraction) that keep it below 2^53. */
const MAX_DIGITS = 15;

/**
 * Parses a non-negative amount with at most `exponent` decimals (the ISO 4217 exponent of the
 * company's currency: 0 for JPY, 2 for USD, 3 for KWD) to minor units: "12.5" with exponent 2
 * is 1250. At most 15 digits in minor units, so every amount (and the sums guarded by
 * `assertSafeCents`) stays exact in a JS number. Returns a reason string instead of throwing
 * so that callers can report field and row.
 */
export function parseMoney(text: string, exponent: number): { cents: Cents } | { error: string } {
  const trimmed = text.trim();
  if (trimmed.startsWith('-')) return { error: 'must not be negative' };
  const m = AMOUNT_RE.exec(trimmed);
  if (!m) return { error: `'${text}' is not a decimal amount` };
  const whole = m[1]!.replace(/^0+(?=\d)/, '');
  const fraction = m[2] ?? '';
  if (fraction.length > exponent) {
    return {
      error: exponent === 0 ? 'must be a whole amount' : `must have at most ${exponent} decimals`,
    };
  }
  const digits = whole + fraction.padEnd(exponent, '0');
  if (whole.length > MAX_DIGITS - exponent) return { error: 'is too large' };
  return { cents: Number(digits) };
}

/** Parses a decimal number (ratios, percentages); null when malformed. */
export function parseDecimal(text: string): Dec | null {
  const trimmed = text.trim();
  return DECIMAL_RE.test(trimmed) ? new Dec(trimmed) : null;
}

/**
 * A contractual ratio (sharing percentage, minimum payment percent, m0, churn) as it was
 * entered: a Dec for every computation and comparison (0.50 equals 0.5, so setting 0.50
 * over 0.5 changes nothing), which also keeps its text so that documents echo it exactly
 * ("0.50", "1.0"). Arithmetic on it gives plain Decs.
 */
export class TermRatio extends Dec {
  /** The entered text, trimmed, with redundant leading zeros and a zero's sign dropped. */
  readonly entered: string;

  constructor(text: string) {
    super(text);
    const unpadded = text.trim().replace(/^(-?)0+(?=\d)/, '$1');
    this.entered = this.isZero() ? unpadded.replace(/^-/, '') : unpadded;
  }
}

/** Parses a contractual ratio, keeping its entered text; null when malformed. */
export function parseTermRatio(text: string): TermRatio | null {
  const trimmed = text.trim();
  return DECIMAL_RE.test(trimmed) ? new TermRatio(trimmed) : null;
}

export function assertSafeCents(value: number): Cents {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`amount ${value} minor units is beyond exact integer range`);
  }
  return value;
}

/**
 * Minor units as the amount with exactly `exponent` decimals: 123450 is "1234.50" in USD,
 * "123450" in JPY, "123.450" in KWD. This is also the canonical form stored in events (see
 * `storedMinorUnits`).
 */
export function formatCents(cents: Cents, exponent: number): string {
  const digits = String(Math.abs(cents)).padStart(exponent + 1, '0');
  const sign = cents < 0 ? '-' : '';
  if (exponent === 0) return sign + digits;
  const point = digits.length - exponent;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** 10^exponent, made once per exponent: documents format every amount with one. */
const scales: Dec[] = [];
const scaleOf = (exponent: number): Dec => (scales[exponent] ??= new Dec(10).pow(exponent));

/** Minor units as a decimal (possibly fractional) → money with `exponent` decimals, half-up. */
export function formatCentsDecimal(cents: Dec, exponent: number): string {
  return cents.div(scaleOf(exponent)).toFixed(exponent);
}

/** A money string of a document ("12.34" in USD) → its minor units (a Dec, to add up). */
export function minorUnitsOf(amount: string, exponent: number): Dec {
  return new Dec(amount).times(scaleOf(exponent));
}

/**
 * Reads an amount stored in an event. Events store amounts in canonical form, written by
 * `formatCents` with exactly the currency's exponent of decimals ("1234.50" USD, "1200"
 * JPY, "12.345" KWD), so the minor units are the digits with the point removed, whatever
 * the currency: a payment stream can be read without knowing its company.
 */
export function storedMinorUnits(amount: string): Cents | null {
  const m = AMOUNT_RE.exec(amount);
  if (!m) return null;
  const value = Number(m[1]! + (m[2] ?? ''));
  return Number.isSafeInteger(value) ? value : null;
}

/** round_cents of DOMAIN.md, in cents space: half-up to a whole cent. */
export function roundToCent(cents: Dec): Dec {
  return cents.toDecimalPlaces(0, Decimal.ROUND_HALF_UP);
}

/** Computed ratios (MOIC, IRR, threshold ratios) are reported with 6 decimals. */
export function formatRatio(value: Dec): string {
  const text = value.toFixed(6);
  // A value that rounds to zero from below (an IRR of -0.0000001) is 0, not "-0.000000".
  return /^-0\.0+$/.test(text) ? text.slice(1) : text;
}

/**
 * Contractual ratios (sharing percentage, minimum payment percent, m0, churn) are echoed as
 * entered (a TermRatio's text); any other Dec (a share of 1 applied on a failed period) in
 * its shortest form.
 */
export function formatTermRatio(value: Dec): string {
  return value instanceof TermRatio ? value.entered : value.toString();
}
