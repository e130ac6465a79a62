import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

// COPY's text format: one line per row, tab between columns, and backslash escapes for the
// four characters that would otherwise end a value or a row.
const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPED = /[\\\t\n\r]/g;
const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};

/** A value as a field of a COPY text row. */
export function copyField(value: string): string {
  // Most values (ids, dates, JSON without escapes) need nothing: test before replacing.
  return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPED, (c) => ESCAPES[c] ?? c) : value;
}

/**
 * Streams text chunks (whole rows each) into `COPY ... FROM STDIN` with backpressure: the
 * source is pulled only as fast as the server takes rows. A failing source aborts the COPY
 * (CopyFail), which fails the statement and so the transaction around it.
 * Returns the number of rows copied.
 */
export async function copyRowsIn(
  client: PoolClient,
  copySql: string,
  chunks: Iterable<string> | AsyncIterable<string>,
): Promise<number> {
  const sink = client.query(copyFrom(copySql));
  await pipeline(Readable.from(chunks), sink);
  return sink.rowCount;
}
