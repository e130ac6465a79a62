import type { Pool, PoolClient } from 'pg';

/** What a read-model query needs: a pool (one statement, one snapshot) or a client in a transaction. */
export type Queryable = Pick<Pool | PoolClient, 'query'>;

export const DEFAULT_READ_MODEL_SCHEMA = 'read_model';

// Schema names are spliced into SQL (identifiers cannot be parameters): only plain
// lowercase identifiers pass, so quoting can never be escaped.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The schema name double-quoted for SQL. @throws RangeError for anything but a plain identifier. */
export function quoteSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new RangeError(`'${schema}' is not a valid read-model schema name`);
  }
  return `"${schema}"`;
}

/**
 * A bigint column (sent back by pg as a decimal string) → integer cents. Totals are exact
 * only below 2^53, so anything beyond is refused rather than silently rounded.
 */
export function centsFromPg(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`amount ${text} cents is beyond exact integer range`);
  }
  return value;
}

/** Advisory lock key under which every writer of one read-model schema serialises. */
export function projectionLockKey(schema: string): string {
  return `cvf.read-model.projection:${schema}`;
}

const NEEDS_ESCAPE = /[\\"]/;

/**
 * A column of values as a PostgreSQL array literal, for `unnest($n::type[])` parameters: the
 * text pg would send for a JS array, built with one test per string instead of two regex
 * replacements per element (the replay spends a noticeable share of its time here).
 */
export function pgArray(values: readonly (string | number | boolean | null)[]): string {
  let literal = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) literal += ',';
    const value = values[i];
    if (value === null || value === undefined) literal += 'NULL';
    else if (typeof value !== 'string') literal += String(value);
    else if (NEEDS_ESCAPE.test(value)) literal += `"${value.replace(/[\\"]/g, '\\$&')}"`;
    else literal += `"${value}"`;
  }
  return `${literal}}`;
}
