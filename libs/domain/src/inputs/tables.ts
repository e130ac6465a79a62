import { type Cents, type Dec } from '../shared/money';
import { type MonthIndex } from '../shared/month';
import {
  amountField,
  currencyField,
  dateField,
  minimumPaymentPercentField,
  monthField,
  periodField,
  positiveAmountField,
  requiredText,
  sharingPercentageField,
  type FieldResult,
} from './fields';

/**
 * The tabular inputs companies exchange (CSV files, upload bodies), column by column.
 * Pure: a caller reads the file and hands rows over; this module names what is wrong.
 */
export interface FieldIssue {
  readonly column: string;
  readonly reason: string;
}

export interface ColumnSpec {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly optional?: boolean;
}

export interface TableSpec<T> {
  readonly columns: readonly ColumnSpec[];
  /** `get(name)` returns the cell of a column by its canonical name (undefined when absent). */
  parseRow(get: (column: string) => string | undefined): { value: T } | { issues: FieldIssue[] };
}

/** Maps canonical column names to their index in a header row; reports missing columns. */
export function resolveHeader(
  header: readonly string[],
  columns: readonly ColumnSpec[],
): { index: Map<string, number> } | { issues: FieldIssue[] } {
  const positions = new Map(header.map((name, i) => [name.trim().toLowerCase(), i]));
  const index = new Map<string, number>();
  const issues: FieldIssue[] = [];
  for (const column of columns) {
    const names = [column.name, ...(column.aliases ?? [])];
    const found = names.map((n) => positions.get(n)).find((i) => i !== undefined);
    if (found !== undefined) index.set(column.name, found);
    else if (!column.optional) {
      issues.push({
        column: column.name,
        reason: `missing column (expected one of: ${names.join(', ')})`,
      });
    }
  }
  return issues.length > 0 ? { issues } : { index };
}

/** Collects field results; the row is valid only when every field is. */
class RowReader {
  readonly issues: FieldIssue[] = [];
  constructor(private readonly get: (column: string) => string | undefined) {}

  read<T>(column: string, parse: (raw: string | undefined) => FieldResult<T>): T | undefined {
    const result = parse(this.get(column));
    if (result.ok) return result.value;
    this.issues.push({ column, reason: result.reason });
    return undefined;
  }

  optional<T>(
    column: string,
    parse: (raw: string | undefined) => FieldResult<T>,
  ): T | null | undefined {
    const raw = this.get(column);
    return raw === undefined || raw.trim() === '' ? null : this.read(column, parse);
  }

  done<T>(build: () => T): { value: T } | { issues: FieldIssue[] } {
    return this.issues.length > 0 ? { issues: this.issues } : { value: build() };
  }
}

export interface PaymentRow {
  readonly paymentId: string | null;
  readonly customerId: string;
  readonly paymentDate: string;
  readonly paymentMonth: MonthIndex;
  readonly amountCents: Cents;
  /** The row's own `currency` when the file has the column; it must be the company's. */
  readonly currency: string | null;
}

/** Amounts with at most `exponent` decimals (the company's currency). */
export const paymentTable = (exponent: number): TableSpec<PaymentRow> => ({
  columns: [
    { name: 'customer_id' },
    { name: 'payment_date' },
    { name: 'amount' },
    { name: 'payment_id', optional: true },
    { name: 'currency', optional: true },
  ],
  parseRow(get) {
    const row = new RowReader(get);
    const currency = row.optional('currency', currencyField);
    const paymentId = row.optional('payment_id', (raw) => requiredText(raw, 100));
    const customerId = row.read('customer_id', (raw) => requiredText(raw));
    const date = row.read('payment_date', dateField);
    const amountCents = row.read('amount', (raw) => amountField(raw, exponent));
    return row.done(() => ({
      paymentId: paymentId ?? null,
      customerId: customerId!,
      paymentDate: date!.date,
      paymentMonth: date!.month,
      amountCents: amountCents!,
      currency: currency ?? null,
    }));
  },
});

export interface SpendRow {
  readonly cohortMonth: MonthIndex;
  readonly plannedCents: Cents;
  readonly actualCents: Cents | null;
}

/** Amounts with at most `exponent` decimals (the company's currency). */
export const spendTable = (exponent: number): TableSpec<SpendRow> => ({
  columns: [
    { name: 'cohort_month', aliases: ['cohort'] },
    { name: 'spend', aliases: ['planned_spend'] },
    { name: 'actual_spend', optional: true },
  ],
  parseRow(get) {
    const row = new RowReader(get);
    const cohortMonth = row.read('cohort_month', monthField);
    const plannedCents = row.read('spend', (raw) => amountField(raw, exponent));
    const actualCents = row.optional('actual_spend', (raw) => amountField(raw, exponent));
    return row.done(() => ({
      cohortMonth: cohortMonth!,
      plannedCents: plannedCents!,
      actualCents: actualCents ?? null,
    }));
  },
});

export interface TradeRow {
  readonly cohortMonth: MonthIndex;
  readonly sharingPercentage: Dec;
  readonly cashCapCents: Cents;
}

/** Amounts with at most `exponent` decimals (the company's currency). */
export const tradeTable = (exponent: number): TableSpec<TradeRow> => ({
  columns: [
    { name: 'cohort_month', aliases: ['cohort_start_at', 'cohort'] },
    { name: 'sharing_percentage' },
    { name: 'cash_cap' },
  ],
  parseRow(get) {
    const row = new RowReader(get);
    const cohortMonth = row.read('cohort_month', monthField);
    const sharingPercentage = row.read('sharing_percentage', sharingPercentageField);
    const cashCapCents = row.read('cash_cap', (raw) => positiveAmountField(raw, exponent));
    return row.done(() => ({
      cohortMonth: cohortMonth!,
      sharingPercentage: sharingPercentage!,
      cashCapCents: cashCapCents!,
    }));
  },
});

export interface ThresholdRow {
  readonly paymentPeriod: number;
  readonly minimumPaymentPercent: Dec;
}

export const thresholdTable: TableSpec<ThresholdRow> = {
  columns: [{ name: 'payment_period_month' }, { name: 'minimum_payment_percent' }],
  parseRow(get) {
    const row = new RowReader(get);
    const paymentPeriod = row.read('payment_period_month', periodField);
    const minimum = row.read('minimum_payment_percent', minimumPaymentPercentField);
    return row.done(() => ({ paymentPeriod: paymentPeriod!, minimumPaymentPercent: minimum! }));
  },
};

export interface OverrideRow {
  readonly cohortMonth: MonthIndex;
  readonly paymentPeriod: number;
  readonly reason: string;
}

export const overrideTable: TableSpec<OverrideRow> = {
  columns: [
    { name: 'cohort_month', aliases: ['cohort'] },
    { name: 'payment_period_month' },
    { name: 'reason' },
  ],
  parseRow(get) {
    const row = new RowReader(get);
    const cohortMonth = row.read('cohort_month', monthField);
    const paymentPeriod = row.read('payment_period_month', periodField);
    const reason = row.read('reason', (raw) => requiredText(raw, 500));
    return row.done(() => ({
      cohortMonth: cohortMonth!,
      paymentPeriod: paymentPeriod!,
      reason: reason!,
    }));
  },
};

export interface RefundRow {
  readonly paymentId: string;
  readonly amountCents: Cents;
}

/** Amounts with at most `exponent` decimals (the company's currency). */
export const refundTable = (exponent: number): TableSpec<RefundRow> => ({
  columns: [{ name: 'payment_id' }, { name: 'amount' }],
  parseRow(get) {
    const row = new RowReader(get);
    const paymentId = row.read('payment_id', (raw) => requiredText(raw, 100));
    const amountCents = row.read('amount', (raw) => positiveAmountField(raw, exponent));
    return row.done(() => ({ paymentId: paymentId!, amountCents: amountCents! }));
  },
});
