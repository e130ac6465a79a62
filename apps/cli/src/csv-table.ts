import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { resolveHeader, type FieldIssue, type Located, type TableSpec } from '@cvf/domain';

export interface TableIssue extends FieldIssue {
  readonly row: number;
}

/** Most issues a reader keeps: enough to fix a file, bounded for a file that is all wrong. */
export const MAX_ISSUES = 100;

export interface TableRead<T> {
  readonly rows: Located<T>[];
  readonly issues: TableIssue[];
  /** Issues found, including those beyond MAX_ISSUES that were counted but not kept. */
  readonly issueCount: number;
}

/**
 * Streams a CSV file through a table spec. Rows are numbered as lines of the file (the header
 * is row 1) so a person can find them in a spreadsheet. Every row is validated; nothing is
 * dropped silently.
 */
export async function readCsvTable<T>(path: string, spec: TableSpec<T>): Promise<TableRead<T>> {
  const rows: Located<T>[] = [];
  const issues: TableIssue[] = [];
  let issueCount = 0;
  const report = (issue: TableIssue) => {
    issueCount++;
    if (issues.length < MAX_ISSUES) issues.push(issue);
  };

  const parser = createReadStream(path).pipe(
    parse({ bom: true, skip_empty_lines: true, relax_column_count: true, info: true }),
  );
  let index: Map<string, number> | null = null;
  try {
    for await (const record of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      const line = record.info.lines;
      if (index === null) {
        const header = resolveHeader(record.record, spec.columns);
        if ('issues' in header) {
          header.issues.forEach((issue) => report({ row: line, ...issue }));
          break;
        }
        index = header.index;
        continue;
      }
      const cells = record.record;
      const columns = index;
      const parsed = spec.parseRow((column) => {
        const at = columns.get(column);
        return at === undefined ? undefined : cells[at];
      });
      if ('issues' in parsed) parsed.issues.forEach((issue) => report({ row: line, ...issue }));
      else rows.push({ row: line, value: parsed.value });
    }
  } catch (error) {
    const lines = (error as { lines?: number }).lines;
    report({ row: lines ?? 0, column: '*', reason: `malformed CSV: ${(error as Error).message}` });
  } finally {
    parser.destroy();
  }
  if (index === null && issueCount === 0)
    report({ row: 1, column: '*', reason: 'the file is empty: a header row is required' });
  return { rows, issues, issueCount };
}
