import Decimal from 'decimal.js';

/**
 * Money has two exact representations:
 * - `Cents`: an integer number of minor units, used wherever amounts only add up
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

// 13 integer digits keep every amount's cents below 2^53 (exact in a JS number).
const MONEY_RE = /^(\d{1,13})(?:\.(\d{1,2}))?$/;
const DECIMAL_RE = /^-?\d+(?:\.\d+)?$/;

/**
 * Parses a non-negative amount with at most 2 decimals ("12", "12.5", "12.50") to cents.
 * Returns a reason string instead of throwing so that callers can report field and row.
 */
export function parseMoney(text: string): { cents: Cents } | { error: string } {
  const trimmed = text.trim();
  if (trimmed.startsWith('-')) return { error: 'must not be negative' };
  const m = MONEY_RE.exec(trimmed);
  if (!m) {
    if (/^\d+\.\d{3,}$/.test(trimmed)) return { error: 'must have at most 2 decimals' };
    if (/^\d{14,}(?:\.\d{1,2})?$/.test(trimmed)) return { error: 'is too large' };
    return { error: `'${text}' is not a decimal amount` };
  }
  const whole = Number(m[1]);
  const fraction = (m[2] ?? '').padEnd(2, '0');
  return { cents: whole * 100 + Number(fraction) };
}

/** Parses a decimal number (ratios, percentages); null when malformed. */
export function parseDecimal(text: string): Dec | null {
  const trimmed = text.trim();
  return DECIMAL_RE.test(trimmed) ? new Dec(trimmed) : null;
}

export function assertSafeCents(value: number): Cents {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`amount ${value} cents is beyond exact integer range`);
  }
  return value;
}

/** "1234.50" from 123450 cents. */
export function formatCents(cents: Cents): string {
  const negative = cents < 0;
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  const fraction = String(abs % 100).padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** A cents-denominated decimal (possibly fractional cents) as money with 2 decimals, half-up. */
export function formatCentsDecimal(cents: Dec): string {
  return cents.div(100).toFixed(2);
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

/** Contractual ratios (sharing percentage, minimum payment percent) are echoed exactly. */
export function formatTermRatio(value: Dec): string {
  return value.toString();
}
