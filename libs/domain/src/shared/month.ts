/**
 * Months are handled as integer indexes (year * 12 + zero-based month) so that period
 * arithmetic is plain integer subtraction: period = paymentMonth - cohortMonth.
 */
export type MonthIndex = number;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_RE = /^(\d{4})-(\d{2})(?:-01)?$/;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month1: number): number {
  if (month1 === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month1) ? 30 : 31;
}

/** Parses a calendar date `YYYY-MM-DD`; returns its month index, or null when it is not a real date. */
export function parseDateToMonth(text: string): MonthIndex | null {
  const m = DATE_RE.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month1 = Number(m[2]);
  const day = Number(m[3]);
  if (year < 1900 || month1 < 1 || month1 > 12 || day < 1 || day > daysInMonth(year, month1)) {
    return null;
  }
  return year * 12 + month1 - 1;
}

/** Parses a month given as `YYYY-MM` or `YYYY-MM-01`; null when malformed. */
export function parseMonth(text: string): MonthIndex | null {
  const m = MONTH_RE.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month1 = Number(m[2]);
  if (year < 1900 || month1 < 1 || month1 > 12) return null;
  return year * 12 + month1 - 1;
}

/**
 * Month of an already validated `YYYY-MM-DD` date, without allocating: the hot path of
 * cohort assignment over millions of payments.
 */
export function monthOfIsoDate(date: string): MonthIndex {
  const year =
    (date.charCodeAt(0) - 48) * 1000 +
    (date.charCodeAt(1) - 48) * 100 +
    (date.charCodeAt(2) - 48) * 10 +
    (date.charCodeAt(3) - 48);
  const month1 = (date.charCodeAt(5) - 48) * 10 + (date.charCodeAt(6) - 48);
  return year * 12 + month1 - 1;
}

/** `YYYY-MM-01`, the wire form of a month. */
export function formatMonth(month: MonthIndex): string {
  const year = Math.floor(month / 12);
  const month1 = (month % 12) + 1;
  return `${String(year).padStart(4, '0')}-${String(month1).padStart(2, '0')}-01`;
}
