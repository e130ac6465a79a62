/**
 * A company's currency and time zone (DOMAIN.md "Inputs"): ISO 4217 codes and IANA zone
 * names, checked against what the JavaScript runtime knows (Intl), and the two conversions
 * the numbers depend on: a currency's minor unit (its ISO exponent) and the calendar date of
 * an instant in a zone.
 */

export const DEFAULT_CURRENCY = 'USD';
export const DEFAULT_TIME_ZONE = 'UTC';

let currencies: ReadonlySet<string> | null = null;
let zones: ReadonlySet<string> | null = null;

/** An ISO 4217 code the runtime knows, upper case ("usd" is not one: codes are exact). */
export function isCurrency(code: string): boolean {
  currencies ??= new Set(Intl.supportedValuesOf('currency'));
  return /^[A-Z]{3}$/.test(code) && currencies.has(code);
}

/** An IANA time zone name the runtime knows (its canonical names, and "UTC"). */
export function isTimeZone(name: string): boolean {
  zones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
  if (zones.has(name)) return true;
  // Links (e.g. "Asia/Calcutta") are valid names the list leaves out.
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return name.includes('/');
  } catch {
    return false;
  }
}

const exponents = new Map<string, number>([['USD', 2]]);

/**
 * Digits after the decimal point of the currency's minor unit, its ISO 4217 exponent: JPY 0,
 * USD 2, KWD 3 (what the runtime's CLDR data says; computed once per code, since documents
 * ask on every format).
 */
export function currencyExponent(code: string): number {
  let digits = exponents.get(code);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
      .maximumFractionDigits;
    if (digits === undefined) throw new Error(`no minor unit known for ${code}`);
    exponents.set(code, digits);
  }
  return digits;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date `YYYY-MM-DD` that `instant` falls on in `timeZone`. */
export function dateInZone(instant: Date, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dateFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}
