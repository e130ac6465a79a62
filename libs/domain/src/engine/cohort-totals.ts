import { assertSafeCents, type Cents } from '../shared/money';
import { monthOfIsoDate, type MonthIndex } from '../shared/month';

/** A payment as the engine sees it: already validated, net of refunds, not voided. */
export interface NetPayment {
  readonly customerId: string;
  /** `YYYY-MM-DD`, validated at the boundary. */
  readonly paymentDate: string;
  /** Amount minus refunds, in cents; 0 when fully refunded (it still counts as a payment). */
  readonly netCents: Cents;
}

/**
 * Layer (a) output for one cohort: what layer (b) needs and nothing else. The read side
 * maintains the same shape incrementally, so the cashflow engine never sees raw payments.
 */
export interface CohortTotals {
  readonly cohortMonth: MonthIndex;
  readonly customerCount: number;
  /**
   * Net payments per period, dense from period 0 to the last actual period L (an empty
   * period inside 0..L is an actual zero). Empty when the cohort has no payments.
   */
  readonly periodCents: readonly Cents[];
}

/**
 * Raw payments → cohort totals (DOMAIN.md "Cohorts").
 *
 * A customer's cohort is the month of their earliest payment, so assignment needs the whole
 * history: one pass finds each customer's first month, a second sums every payment into
 * (cohort, period). Two passes over arrays and one Map keyed by customer: O(n).
 *
 * Choice: a payment whose net amount is zero (fully refunded, or recorded as 0) still counts
 * as a payment: it keeps its customer's cohort and extends the last actual period L.
 * Voided payments must not be passed in at all.
 */
export function buildCohortTotals(payments: readonly NetPayment[]): Map<MonthIndex, CohortTotals> {
  const firstMonth = new Map<string, MonthIndex>();
  const months = new Int32Array(payments.length);
  for (let i = 0; i < payments.length; i++) {
    const payment = payments[i]!;
    const month = monthOfIsoDate(payment.paymentDate);
    months[i] = month;
    const known = firstMonth.get(payment.customerId);
    if (known === undefined || month < known) firstMonth.set(payment.customerId, month);
  }

  const sums = new Map<MonthIndex, { customers: number; periods: Cents[] }>();
  for (const cohortMonth of firstMonth.values()) {
    const bucket = sums.get(cohortMonth);
    if (bucket) bucket.customers++;
    else sums.set(cohortMonth, { customers: 1, periods: [] });
  }
  for (let i = 0; i < payments.length; i++) {
    const payment = payments[i]!;
    const cohortMonth = firstMonth.get(payment.customerId)!;
    const periods = sums.get(cohortMonth)!.periods;
    const period = months[i]! - cohortMonth;
    // Filling holes with 0 keeps the array dense: an empty period inside 0..L is an actual zero.
    while (periods.length <= period) periods.push(0);
    periods[period]! += payment.netCents;
  }

  const result = new Map<MonthIndex, CohortTotals>();
  for (const [cohortMonth, { customers, periods }] of sums) {
    periods.forEach(assertSafeCents);
    result.set(cohortMonth, { cohortMonth, customerCount: customers, periodCents: periods });
  }
  return result;
}
