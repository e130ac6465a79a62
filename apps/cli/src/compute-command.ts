import { createHash } from 'node:crypto';
import { access } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  assembleDataset,
  buildCohortTotals,
  cashflowDocument,
  churnField,
  computeCompanyCashflows,
  currencyExponent,
  DEFAULT_CURRENCY,
  DEFAULT_HORIZON,
  derivePaymentId,
  isCurrency,
  nonNegativeDecimalField,
  overrideTable,
  paymentTable,
  refundTable,
  spendTable,
  thresholdTable,
  tradeTable,
  type CashflowView,
  type DatasetFile,
  type DatasetRows,
  type PaymentRow,
  type TableSpec,
} from '@cvf/domain';
import { readCsvTable, type TableIssue } from './csv-table';
import { renderTables } from './table-format';

/** Bad input: exit status 2, messages on stderr, nothing on stdout. */
export class InputError extends Error {
  constructor(readonly lines: readonly string[]) {
    super(lines.join('\n'));
  }
}

/** Each file's table, its amounts read with the currency's decimals (`exponent`). */
const FILES: Record<
  DatasetFile,
  { flag: string; spec: (exponent: number) => TableSpec<unknown>; required: boolean }
> = {
  payments: { flag: 'payments', spec: paymentTable, required: true },
  spend: { flag: 'spend', spec: spendTable, required: true },
  trades: { flag: 'trades', spec: tradeTable, required: false },
  thresholds: { flag: 'thresholds', spec: () => thresholdTable, required: false },
  overrides: { flag: 'overrides', spec: () => overrideTable, required: false },
  refunds: { flag: 'refunds', spec: refundTable, required: false },
};

export const COMPUTE_USAGE = `usage: cvf compute --payments FILE --spend FILE [--trades FILE] [--thresholds FILE]
                   [--overrides FILE] [--refunds FILE] [--m0 X --churn Y [--horizon N]]
                   [--currency CODE] [--format json|table]
  --currency: ISO 4217 code of the files' amounts (default USD); amounts may have at most
              its decimals (JPY 0, USD 2, KWD 3)`;

/** The deterministic id of a payment row without payment_id (ARCHITECTURE.md). */
export function derivedPaymentId(row: PaymentRow, occurrence: number): string {
  return derivePaymentId(row.customerId, row.paymentDate, row.amountCents, occurrence, sha256Hex);
}

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

export async function computeCommand(argv: readonly string[]): Promise<string> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      payments: { type: 'string' },
      spend: { type: 'string' },
      trades: { type: 'string' },
      thresholds: { type: 'string' },
      overrides: { type: 'string' },
      refunds: { type: 'string' },
      m0: { type: 'string' },
      churn: { type: 'string' },
      horizon: { type: 'string' },
      currency: { type: 'string', default: DEFAULT_CURRENCY },
      format: { type: 'string', default: 'json' },
    },
    strict: true,
  });
  const format = values.format;
  if (format !== 'json' && format !== 'table')
    throw new InputError([`--format: must be json or table, not '${format}'`]);
  const view = parseView(values.m0, values.churn, values.horizon);
  const currency = values.currency;
  if (!isCurrency(currency)) {
    throw new InputError([`--currency: must be an ISO 4217 code such as USD, not '${currency}'`]);
  }
  const exponent = currencyExponent(currency);

  const problems: string[] = [];
  const tables: Partial<Record<DatasetFile, { row: number; value: unknown }[]>> = {};
  for (const [file, { flag, spec, required }] of Object.entries(FILES) as [
    DatasetFile,
    (typeof FILES)[DatasetFile],
  ][]) {
    const path = values[flag as keyof typeof values];
    if (path === undefined) {
      if (required) problems.push(`--${flag}: is required`);
      tables[file] = [];
      continue;
    }
    try {
      await access(path);
    } catch {
      problems.push(`${path}: cannot read the file`);
      continue;
    }
    const read = await readCsvTable(path, spec(exponent));
    problems.push(...read.issues.map((issue) => describe(path, issue)));
    if (read.issueCount > read.issues.length) {
      problems.push(`${path}: ${read.issueCount - read.issues.length} more issues not shown`);
    }
    tables[file] = read.rows;
  }
  if (problems.length > 0) throw new InputError(problems);

  const rows = {
    payments: tables.payments,
    spends: tables.spend,
    trades: tables.trades,
    thresholds: tables.thresholds,
    overrides: tables.overrides,
    refunds: tables.refunds,
  } as unknown as DatasetRows;
  const dataset = assembleDataset(rows, derivedPaymentId, exponent);
  if ('issues' in dataset) {
    throw new InputError(
      dataset.issues.map((i) =>
        describe(values[FILES[i.file].flag as keyof typeof values] ?? i.file, i),
      ),
    );
  }

  const totals = buildCohortTotals(dataset.payments);
  const document = cashflowDocument(computeCompanyCashflows(totals, dataset.terms, view), currency);
  return format === 'json' ? JSON.stringify(document, null, 2) + '\n' : renderTables(document);
}

function parseView(m0?: string, churn?: string, horizon?: string): CashflowView {
  if (m0 === undefined && churn === undefined) {
    if (horizon !== undefined)
      throw new InputError(['--horizon: needs --m0 and --churn (a predicted view)']);
    return { kind: 'actual' };
  }
  const problems: string[] = [];
  const m0Value = nonNegativeDecimalField(m0);
  if (!m0Value.ok) problems.push(`--m0: ${m0Value.reason}`);
  const churnValue = churnField(churn);
  if (!churnValue.ok) problems.push(`--churn: ${churnValue.reason}`);
  let horizonValue = DEFAULT_HORIZON;
  if (horizon !== undefined) {
    if (!/^\d{1,3}$/.test(horizon) || Number(horizon) < 1 || Number(horizon) > 600) {
      problems.push(`--horizon: must be a whole number of months from 1 to 600`);
    } else horizonValue = Number(horizon);
  }
  if (!m0Value.ok || !churnValue.ok || problems.length > 0) throw new InputError(problems);
  return {
    kind: 'predicted',
    assumptions: { m0: m0Value.value, churn: churnValue.value },
    horizon: horizonValue,
  };
}

function describe(path: string, issue: TableIssue): string {
  return `${path}: row ${issue.row}, column ${issue.column}: ${issue.reason}`;
}
