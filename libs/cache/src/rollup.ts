import {
  breachDocument,
  type CashflowDocument,
  cohortDocument,
  type CohortResult,
  Dec,
} from '@cvf/domain';
import { type CohortEntry } from './documents';

/**
 * Rollups from cached per-cohort entries, without recomputing a clean cohort. The result is
 * exactly `cashflowDocument(computeCompanyCashflows(...))` over the same cohorts: collected
 * amounts are whole cents (a cent-rounded share, or the exact cap remainder), so summing
 * their 2-decimal strings with Dec gives the engine's sums to the cent.
 */

export function cohortEntry(result: CohortResult): CohortEntry {
  return { cohort: cohortDocument(result), breaches: result.breaches.map(breachDocument) };
}

/** Exact sum of money strings ("12.34"); "0.00" for none. Never a JS float. */
export function sumMoney(amounts: Iterable<string>): string {
  let sum = new Dec(0);
  for (const amount of amounts) sum = sum.add(amount);
  return sum.toFixed(2);
}

const byMonth = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The company document of one view from its cohorts' entries (any order). */
export function rollUpEntries(
  view: CashflowDocument['view'],
  entries: readonly CohortEntry[],
): CashflowDocument {
  const sorted = [...entries].sort((a, b) => byMonth(a.cohort.cohort_month, b.cohort.cohort_month));
  const collections = new Map<string, Dec>();
  for (const { cohort } of sorted) {
    for (const period of cohort.periods) {
      // null: an unfunded cohort collects nothing and is not part of "owed".
      if (period.collected === null) continue;
      const sum = collections.get(period.month);
      collections.set(period.month, sum ? sum.add(period.collected) : new Dec(period.collected));
    }
  }
  const breaches = sorted
    .flatMap((entry) => entry.breaches)
    .sort((a, b) => byMonth(a.cohort_month, b.cohort_month) || a.period - b.period);
  return {
    view,
    cohorts: sorted.map((entry) => entry.cohort),
    monthly_collections: [...collections.entries()]
      .sort(([a], [b]) => byMonth(a, b))
      .map(([month, amount]) => ({ month, amount: amount.toFixed(2) })),
    breaches,
  };
}
