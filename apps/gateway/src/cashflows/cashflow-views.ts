import { type CashflowDocument, formatMonth, type MonthIndex } from '@cvf/domain';

/**
 * Views derived from a cached rollup document, so they can never disagree with it. Pure:
 * unit-testable without Redis.
 */

export interface CohortsTable {
  /** The period columns, 0 … the longest cohort's last actual period. */
  readonly periods: readonly number[];
  readonly cohorts: readonly {
    readonly cohort_month: string;
    readonly customer_count: number;
    readonly last_actual_period: number | null;
    /** Net payments by period (index = period); shorter rows end at their last period. */
    readonly payments: readonly string[];
    readonly total: string;
  }[];
}

/** DOMAIN.md's cohort table: cohort × period net payments (actual periods only). */
export function cohortsTable(actual: CashflowDocument): CohortsTable {
  const cohorts = actual.cohorts.map((cohort) => ({
    cohort_month: cohort.cohort_month,
    customer_count: cohort.customer_count,
    last_actual_period: cohort.last_actual_period,
    payments: cohort.periods.filter((p) => !p.predicted).map((p) => p.payment),
    total: cohort.cumulative_payment,
  }));
  const width = Math.max(0, ...cohorts.map((c) => c.payments.length));
  return { periods: Array.from({ length: width }, (_, i) => i), cohorts };
}

export interface Owed {
  readonly month: string;
  readonly owed: string;
}

/** Owed for month M: what funded cohorts collect in M; "0.00" when nothing falls there. */
export function owedFor(actual: CashflowDocument, month: MonthIndex): Owed {
  const key = formatMonth(month);
  const entry = actual.monthly_collections.find((m) => m.month === key);
  return { month: key, owed: entry?.amount ?? '0.00' };
}
