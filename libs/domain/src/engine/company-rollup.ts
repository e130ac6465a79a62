import { currencyExponent } from '../shared/locale';
import { formatCentsDecimal, minorUnitsOf } from '../shared/money';
import { formatMonth, parseMonth, type MonthIndex } from '../shared/month';
import { type CohortResult } from './cohort-cashflows';
import {
  compareMonthKeys,
  owedForMonth,
  sortBreaches,
  sumCollectedByMonth,
} from './company-cashflows';
import {
  breachDocument,
  type BreachDocument,
  type CashflowDocument,
  cohortDocument,
  type CohortDocument,
} from './report-document';

/**
 * Company rules over the wire documents (report-document.ts), for callers that hold
 * per-cohort documents rather than engine results: the cache rolls up the cohorts it kept
 * without recomputing them, the gateway answers from a cached document.
 */

/** One cohort of one view as the documents show it: the parts a company rollup is made of. */
export interface CohortEntry {
  readonly cohort: CohortDocument;
  /** Failed actual periods of this cohort (predicted failures show in `cohort.periods`). */
  readonly breaches: readonly BreachDocument[];
}

/** A cohort's entry, its amounts in the company's `currency`. */
export function cohortEntry(result: CohortResult, currency: string): CohortEntry {
  return {
    cohort: cohortDocument(result, currencyExponent(currency)),
    breaches: result.breaches.map(breachDocument),
  };
}

/**
 * The company document of one view from its cohorts' entries (any order): cohorts in month
 * order, collected summed by calendar month over funded cohorts, breaches by cohort and
 * period. Exactly `cashflowDocument(computeCompanyCashflows(...))` over the same cohorts:
 * collected amounts are whole minor units (a rounded share, or the exact cap remainder), so
 * summing their strings gives the engine's sums to the minor unit. The entries are in
 * `currency` (one company's).
 */
export function rollUpCohortEntries(
  view: CashflowDocument['view'],
  entries: readonly CohortEntry[],
  currency: string,
): CashflowDocument {
  const sorted = [...entries].sort((a, b) =>
    compareMonthKeys(a.cohort.cohort_month, b.cohort.cohort_month),
  );
  const collections = sumCollectedByMonth(
    sorted.flatMap(({ cohort }) =>
      cohort.periods.map((period) => ({ month: period.month, collected: period.collected })),
    ),
  );
  const breaches = sortBreaches(
    sorted.flatMap((entry) => entry.breaches),
    (breach) => [breach.cohort_month, breach.period],
  );
  const exponent = currencyExponent(currency);
  return {
    view,
    currency,
    cohorts: sorted.map((entry) => entry.cohort),
    monthly_collections: collections.map(({ month, amount }) => ({
      month,
      amount: amount.toFixed(exponent),
    })),
    breaches,
  };
}

/** "Owed for month M" as the wire shows it. */
export interface OwedDocument {
  readonly month: string;
  readonly currency: string;
  readonly owed: string;
}

/**
 * Owed for month M from a document's `monthly_collections` (or metrics' `owed_by_month`,
 * the same list): `owedForMonth` over them, zero ("0.00" in USD) when nothing falls in M.
 */
export function owedDocument(
  document: Pick<CashflowDocument, 'monthly_collections' | 'currency'>,
  month: MonthIndex,
): OwedDocument {
  const exponent = currencyExponent(document.currency);
  const monthlyCollections = document.monthly_collections.map((entry) => ({
    month: monthOfDocument(entry.month),
    amountCents: minorUnitsOf(entry.amount, exponent),
  }));
  return {
    month: formatMonth(month),
    currency: document.currency,
    owed: formatCentsDecimal(owedForMonth({ monthlyCollections }, month), exponent),
  };
}

function monthOfDocument(text: string): MonthIndex {
  const month = parseMonth(text);
  if (month === null) throw new RangeError(`document month '${text}' is not YYYY-MM-01`);
  return month;
}
