import { CsvError, parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { resolveHeader, type FieldIssue, type TableSpec } from '@cvf/domain';
import { firstInvalidUtf8 } from '../http/invalid-utf8';

/** A problem in a CSV file, at a row numbered as a line of the file (the header is row 1). */
export interface TableIssue extends FieldIssue {
  readonly row: number;
}

/** Most issues a reader keeps: enough to fix a file, bounded for a file that is all wrong. */
export const MAX_ISSUES = 100;

export interface CsvReadSummary {
  /** The first MAX_ISSUES issues, in file order. */
  readonly issues: readonly TableIssue[];
  /** Issues found, including those beyond MAX_ISSUES that were counted but not kept. */
  readonly issueCount: number;
  /** Data rows read (valid or not), the header excluded. */
  readonly rowCount: number;
}

/**
 * The bytes of the file are not UTF-8 from `line` on, in its cell `cell` (0-based); `header`
 * is the file's first line when it was read whole before that.
 */
class NotUtf8 extends Error {
  constructor(
    readonly line: number,
    readonly cell: number,
    readonly header: string | null,
  ) {
    super(`line ${line} is not valid UTF-8`);
  }
}

/**
 * Passes the bytes through and stops at the first that are not UTF-8: decoded otherwise,
 * they would become U+FFFD and be stored so, silently. The line is where the first bad byte
 * of its chunk sits (a sequence cut by a chunk boundary is reported at the chunk's line).
 */
class Utf8Check extends Transform {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  /** Where the bytes read so far end: line, cell of that line, inside quotes or not. */
  private line = 1;
  private cell = 0;
  private quoted = false;
  private readonly headerBytes: Buffer[] = [];
  private header: string | null = null;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      this.advance(chunk, firstInvalidUtf8(chunk) ?? chunk.length);
      done(new NotUtf8(this.line, this.cell, this.header));
      return;
    }
    this.advance(chunk, chunk.length);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    try {
      this.decoder.decode();
      done();
    } catch {
      done(new NotUtf8(this.line, this.cell, this.header));
    }
  }

  /**
   * Follows the CSV structure over `chunk[0, end)`: lines, and cells by the commas outside
   * quotes (a doubled quote inside a quoted cell toggles twice: no change). Keeps line 1.
   */
  private advance(chunk: Buffer, end: number): void {
    const startLine = this.line;
    for (let i = 0; i < end; i++) {
      const byte = chunk[i];
      if (byte === 0x22) this.quoted = !this.quoted;
      else if (byte === 0x2c && !this.quoted) this.cell++;
      else if (byte === 0x0a) {
        if (this.line === 1 && this.header === null) {
          this.headerBytes.push(chunk.subarray(0, i));
          this.header = Buffer.concat(this.headerBytes).toString('utf8');
        }
        this.line++;
        if (!this.quoted) this.cell = 0;
      }
    }
    if (startLine === 1 && this.line === 1) this.headerBytes.push(chunk.subarray(0, end));
  }
}

/** The name of cell `cell` of a header line; '*' when it cannot be told. */
function columnOf(header: string | null, cell: number): string {
  if (header === null) return '*';
  try {
    const names: unknown = parseSync(header, { bom: true, relax_column_count: true })[0];
    const name: unknown = Array.isArray(names) ? names[cell] : undefined;
    return typeof name === 'string' && name.trim() !== '' ? name.trim() : '*';
  } catch {
    return '*';
  }
}

/**
 * What a reader does with each valid row: keep it, and name any cross-row problem (a
 * duplicate id, say) as issues of that row.
 */
export type CsvRowSink<T> = (value: T, row: number) => readonly FieldIssue[] | void;

/**
 * Streams CSV text through a table spec, one record at a time: a file is never held whole,
 * and the caller decides how to keep the rows. Every row is validated and nothing is dropped
 * silently (a row with more cells than the header is an issue, not a truncation). Malformed CSV becomes an issue; a failing input stream rejects with its error
 * (an upload cut short is not a problem of the file).
 */
export async function readCsvRows<T>(
  input: Readable,
  spec: TableSpec<T>,
  sink: CsvRowSink<T>,
): Promise<CsvReadSummary> {
  const issues: TableIssue[] = [];
  let issueCount = 0;
  let rowCount = 0;
  const report = (row: number, found: readonly FieldIssue[]) => {
    for (const issue of found) {
      issueCount++;
      if (issues.length < MAX_ISSUES) issues.push({ row, ...issue });
    }
  };

  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: true, info: true });
  const utf8 = new Utf8Check();
  // pipe() does not forward errors: without this a failing input would leave us waiting.
  input.once('error', (error) => parser.destroy(error));
  utf8.once('error', (error) => parser.destroy(error));
  input.pipe(utf8).pipe(parser);
  let index: Map<string, number> | null = null;
  let headerCells = 0;
  try {
    for await (const record of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      const line = record.info.lines;
      if (index === null) {
        const header = resolveHeader(record.record, spec.columns);
        if ('issues' in header) {
          report(line, header.issues);
          break;
        }
        index = header.index;
        headerCells = record.record.length;
        continue;
      }
      rowCount++;
      const cells = record.record;
      // More cells than the header has, with something in them: most likely a value with an
      // unquoted comma (1,000), which would otherwise be read as 1 with the rest dropped.
      // (Empty trailing cells, as spreadsheets leave them, carry nothing and pass.)
      if (cells.length > headerCells && cells.slice(headerCells).some((c) => c.trim() !== '')) {
        report(line, [
          {
            column: '*',
            reason:
              `has ${cells.length} cells where the header has ${headerCells}; ` +
              'quote a value that holds a comma ("1,000")',
          },
        ]);
        continue;
      }
      const columns = index;
      const parsed = spec.parseRow((column) => {
        const at = columns.get(column);
        return at === undefined ? undefined : cells[at];
      });
      if ('issues' in parsed) report(line, parsed.issues);
      else {
        const found = sink(parsed.value, line);
        if (found) report(line, found);
      }
    }
  } catch (error) {
    if (error instanceof NotUtf8) {
      report(error.line, [
        {
          column: error.line === 1 ? '*' : columnOf(error.header, error.cell),
          reason: 'is not valid UTF-8: save the file as UTF-8 (CSV UTF-8)',
        },
      ]);
      return { issues, issueCount, rowCount };
    }
    if (!(error instanceof CsvError)) throw error;
    const lines = (error as { lines?: number }).lines;
    report(lines ?? 0, [{ column: '*', reason: `malformed CSV: ${error.message}` }]);
  } finally {
    input.unpipe(utf8);
    utf8.unpipe(parser);
    utf8.destroy();
    parser.destroy();
  }
  if (index === null && issueCount === 0) {
    report(1, [{ column: '*', reason: 'the file is empty: a header row is required' }]);
  }
  return { issues, issueCount, rowCount };
}
