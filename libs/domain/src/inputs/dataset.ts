import { assertSafeCents, formatCents } from '../shared/money';
import { formatMonth } from '../shared/month';
import { type NetPayment } from '../engine/cohort-totals';
import { type CompanyTerms } from '../engine/terms';
import {
  type OverrideRow,
  type PaymentRow,
  type RefundRow,
  type SpendRow,
  type ThresholdRow,
  type TradeRow,
} from './tables';

export type DatasetFile = 'payments' | 'spend' | 'trades' | 'thresholds' | 'overrides' | 'refunds';

/** A parsed row and where it came from (file line number; the header is line 1). */
export interface Located<T> {
  readonly row: number;
  readonly value: T;
}

export interface DatasetIssue {
  readonly file: DatasetFile;
  readonly row: number;
  readonly column: string;
  readonly reason: string;
}

export interface DatasetRows {
  readonly payments: readonly Located<PaymentRow>[];
  readonly spends: readonly Located<SpendRow>[];
  readonly trades: readonly Located<TradeRow>[];
  readonly thresholds: readonly Located<ThresholdRow>[];
  readonly overrides: readonly Located<OverrideRow>[];
  readonly refunds: readonly Located<RefundRow>[];
}

export interface Dataset {
  readonly payments: readonly NetPayment[];
  readonly terms: CompanyTerms;
}

/**
 * Deterministic id for a payment row without one: (customer, date, amount, occurrence of that
 * triple within the file). Injected so the domain stays free of crypto.
 */
export type PaymentIdDeriver = (row: PaymentRow, occurrence: number) => string;

/**
 * Cross-row rules of DOMAIN.md over one company's files: unique keys (payment id, one trade,
 * spend and threshold per month or period, one override per cohort and period), refunds only
 * of known payments and never above them. Returns engine inputs or every issue found.
 */
export function assembleDataset(
  rows: DatasetRows,
  derivePaymentId: PaymentIdDeriver,
  exponent: number,
): Dataset | { issues: DatasetIssue[] } {
  const issues: DatasetIssue[] = [];
  const unique = <T>(
    file: DatasetFile,
    list: readonly Located<T>[],
    column: string,
    key: (v: T) => string,
    what: (v: T) => string,
  ) => {
    const seen = new Map<string, number>();
    for (const { row, value } of list) {
      const k = key(value);
      const first = seen.get(k);
      if (first === undefined) seen.set(k, row);
      else
        issues.push({
          file,
          row,
          column,
          reason: `duplicate ${what(value)} (first at row ${first})`,
        });
    }
  };
  unique(
    'spend',
    rows.spends,
    'cohort_month',
    (s) => String(s.cohortMonth),
    (s) => `spend for ${formatMonth(s.cohortMonth)}`,
  );
  unique(
    'trades',
    rows.trades,
    'cohort_month',
    (t) => String(t.cohortMonth),
    (t) => `trade for ${formatMonth(t.cohortMonth)}`,
  );
  unique(
    'thresholds',
    rows.thresholds,
    'payment_period_month',
    (t) => String(t.paymentPeriod),
    (t) => `threshold for period ${t.paymentPeriod}`,
  );
  unique(
    'overrides',
    rows.overrides,
    'payment_period_month',
    (o) => `${o.cohortMonth}:${o.paymentPeriod}`,
    (o) => `override for ${formatMonth(o.cohortMonth)} period ${o.paymentPeriod}`,
  );

  const byId = new Map<
    string,
    { row: number; amountCents: number; refundedCents: number; payment: PaymentRow }
  >();
  const occurrences = new Map<string, number>();
  for (const { row, value } of rows.payments) {
    let id = value.paymentId;
    if (id === null) {
      const triple = `${value.customerId}\u0000${value.paymentDate}\u0000${value.amountCents}`;
      const occurrence = (occurrences.get(triple) ?? 0) + 1;
      occurrences.set(triple, occurrence);
      id = derivePaymentId(value, occurrence);
    }
    const first = byId.get(id);
    if (first) {
      issues.push({
        file: 'payments',
        row,
        column: 'payment_id',
        reason: `duplicate payment_id '${id}' (first at row ${first.row})`,
      });
      continue;
    }
    byId.set(id, { row, amountCents: value.amountCents, refundedCents: 0, payment: value });
  }
  for (const { row, value } of rows.refunds) {
    const payment = byId.get(value.paymentId);
    if (!payment) {
      issues.push({
        file: 'refunds',
        row,
        column: 'payment_id',
        reason: `unknown payment_id '${value.paymentId}'`,
      });
      continue;
    }
    const refunded = payment.refundedCents + value.amountCents;
    if (refunded > payment.amountCents) {
      const remaining = formatCents(payment.amountCents - payment.refundedCents, exponent);
      issues.push({
        file: 'refunds',
        row,
        column: 'amount',
        reason: `refunds exceed the payment: only ${remaining} remains refundable`,
      });
      continue;
    }
    payment.refundedCents = refunded;
  }
  if (issues.length > 0)
    return { issues: issues.sort((a, b) => a.file.localeCompare(b.file) || a.row - b.row) };

  const payments: NetPayment[] = [];
  for (const { payment, amountCents, refundedCents } of byId.values()) {
    payments.push({
      customerId: payment.customerId,
      paymentDate: payment.paymentDate,
      netCents: assertSafeCents(amountCents - refundedCents),
    });
  }
  const values = <T>(list: readonly Located<T>[]) => list.map((l) => l.value);
  return {
    payments,
    terms: {
      spends: values(rows.spends),
      trades: values(rows.trades),
      thresholds: values(rows.thresholds),
      overrides: values(rows.overrides),
    },
  };
}
