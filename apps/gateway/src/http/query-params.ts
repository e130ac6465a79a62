import {
  isStorableText,
  type MonthIndex,
  parseDateToMonth,
  parseMonth,
  SCENARIOS,
  type Scenario,
  UNSTORABLE_TEXT_REASON,
  ValidationError,
} from '@cvf/domain';
import { decodePosition, type LogPosition } from '@cvf/event-store';

/**
 * Query parameters arrive as whatever the client sent: a string, an array when repeated, or
 * nothing. Each parser takes `unknown` and either returns the value or throws the domain's
 * ValidationError naming the parameter (400 through the problem filter): never a 500.
 */

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1_000;

function single(name: string, raw: unknown): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') throw ValidationError.of(name, 'must be given once');
  // Text PostgreSQL cannot hold must not reach a query (it would fail there as a 500).
  if (!isStorableText(raw)) throw ValidationError.of(name, UNSTORABLE_TEXT_REASON);
  return raw;
}

export function parseLimit(raw: unknown): number {
  const text = single('limit', raw);
  if (text === undefined) return DEFAULT_PAGE_SIZE;
  if (!/^\d{1,4}$/.test(text) || Number(text) < 1 || Number(text) > MAX_PAGE_SIZE) {
    throw ValidationError.of('limit', `must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  return Number(text);
}

// xid8 and bigint bounds: a position beyond them cannot exist and must not reach SQL.
const MAX_TRANSACTION_ID = 2n ** 64n - 1n;
const MAX_GLOBAL_POSITION = 2n ** 63n - 1n;

/** An encoded log position (`<transaction>:<position>`); null when absent. */
export function parseLogPosition(name: string, raw: unknown): LogPosition | null {
  const text = single(name, raw);
  if (text === undefined) return null;
  const invalid = ValidationError.of(
    name,
    `'${text}' is not a log position (the "position" a write answered, e.g. "7423:1051")`,
  );
  let position: LogPosition;
  try {
    position = decodePosition(text);
  } catch {
    throw invalid;
  }
  if (
    BigInt(position.transactionId) > MAX_TRANSACTION_ID ||
    BigInt(position.globalPosition) > MAX_GLOBAL_POSITION
  ) {
    throw invalid;
  }
  return position;
}

/** `?min_position=`: a write's position to wait for (read-your-writes), or null. */
export function parseMinPosition(raw: unknown): LogPosition | null {
  return parseLogPosition('min_position', raw);
}

/** A month `YYYY-MM` or `YYYY-MM-01`; undefined when absent. */
export function parseMonthParam(name: string, raw: unknown): MonthIndex | undefined {
  const text = single(name, raw);
  if (text === undefined) return undefined;
  const month = parseMonth(text);
  if (month === null) throw ValidationError.of(name, `'${text}' is not a month (YYYY-MM)`);
  return month;
}

/** A calendar date `YYYY-MM-DD`; undefined when absent. */
export function parseDateParam(name: string, raw: unknown): string | undefined {
  const text = single(name, raw);
  if (text === undefined) return undefined;
  if (parseDateToMonth(text) === null) {
    throw ValidationError.of(name, `'${text}' is not a date (YYYY-MM-DD)`);
  }
  return text;
}

export function parseBooleanParam(name: string, raw: unknown): boolean {
  const text = single(name, raw);
  if (text === undefined || text === 'false' || text === '0') return false;
  if (text === 'true' || text === '1') return true;
  throw ValidationError.of(name, 'must be true or false');
}

/** Free text such as an id: taken as sent, bounded. */
export function parseTextParam(name: string, raw: unknown): string | undefined {
  const text = single(name, raw);
  if (text !== undefined && text.length > 200) {
    throw ValidationError.of(name, 'must be at most 200 characters');
  }
  return text;
}

export function parseScenarioParam(raw: unknown, fallback: Scenario): Scenario {
  const text = single('scenario', raw);
  if (text === undefined) return fallback;
  const scenario = SCENARIOS.find((s) => s === text.toUpperCase());
  if (!scenario) throw ValidationError.of('scenario', `must be one of ${SCENARIOS.join(', ')}`);
  return scenario;
}

export function parseOrderParam(raw: unknown): 'asc' | 'desc' {
  const text = single('order', raw);
  if (text === undefined || text === 'asc') return 'asc';
  if (text === 'desc') return 'desc';
  throw ValidationError.of('order', 'must be asc (oldest first) or desc (newest first)');
}

/**
 * Opaque cursors: base64url JSON tagged with the list they belong to, so a cursor of one
 * list is refused by another rather than misread. Clients must not build them.
 */
export function encodeCursor(list: string, key: Readonly<Record<string, string>>): string {
  return Buffer.from(JSON.stringify({ list, ...key })).toString('base64url');
}

export function decodeCursor<K extends string>(
  list: string,
  fields: readonly K[],
  raw: unknown,
): Record<K, string> | null {
  const text = single('cursor', raw);
  if (text === undefined) return null;
  const invalid = ValidationError.of('cursor', `is not a cursor of this ${list} list`);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (typeof decoded !== 'object' || decoded === null) throw invalid;
  const record = decoded as Record<string, unknown>;
  if (record.list !== list) throw invalid;
  const key = {} as Record<K, string>;
  for (const field of fields) {
    const value = record[field];
    if (typeof value !== 'string' || value.length > 400 || !isStorableText(value)) throw invalid;
    key[field] = value;
  }
  return key;
}
