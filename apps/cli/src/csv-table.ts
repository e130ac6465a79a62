import { createReadStream } from 'node:fs';
import { type Located, type TableSpec } from '@cvf/domain';
import { readCsvRows, type TableIssue } from '@cvf/platform';

export { MAX_ISSUES, type TableIssue } from '@cvf/platform';

export interface TableRead<T> {
  readonly rows: Located<T>[];
  readonly issues: readonly TableIssue[];
  /** Issues found, including those beyond MAX_ISSUES that were counted but not kept. */
  readonly issueCount: number;
}

/**
 * Reads a CSV file through a table spec (streamed by the shared reader, which the ingest
 * service's upload uses too). Rows are numbered as lines of the file (the header is row 1)
 * so a person can find them in a spreadsheet.
 */
export async function readCsvTable<T>(path: string, spec: TableSpec<T>): Promise<TableRead<T>> {
  const rows: Located<T>[] = [];
  const read = await readCsvRows(createReadStream(path), spec, (value, row) => {
    rows.push({ row, value });
  });
  return { rows, issues: read.issues, issueCount: read.issueCount };
}
