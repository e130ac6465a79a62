import { type CashflowDocument } from './report-document';

/** DOMAIN.md's cohort table as the wire shows it. */
export interface CohortsTable {
  /** ISO 4217: the payments' currency. */
  readonly currency: string;
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

/**
 * The cohort table (DOMAIN.md "Cohorts"): cohort × period net payments, actual periods only,
 * over the cohorts the document shows. Derived from the document, so the two never disagree.
 */
export function cohortsTable(document: CashflowDocument): CohortsTable {
  const cohorts = document.cohorts.map((cohort) => ({
    cohort_month: cohort.cohort_month,
    customer_count: cohort.customer_count,
    last_actual_period: cohort.last_actual_period,
    payments: cohort.periods.filter((p) => !p.predicted).map((p) => p.payment),
    total: cohort.cumulative_payment,
  }));
  const width = Math.max(0, ...cohorts.map((c) => c.payments.length));
  return {
    currency: document.currency,
    periods: Array.from({ length: width }, (_, i) => i),
    cohorts,
  };
}
