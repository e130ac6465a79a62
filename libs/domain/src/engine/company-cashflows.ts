import { Dec } from '../shared/money';
import { type MonthIndex } from '../shared/month';
import { computeCohort, type Breach, type CohortResult } from './cohort-cashflows';
import { type CohortTotals } from './cohort-totals';
import { type CashflowView, type CohortTerms, type CompanyTerms } from './terms';

export interface MonthlyCollection {
  readonly month: MonthIndex;
  readonly amountCents: Dec;
}

export interface CashflowReport {
  readonly view: CashflowView;
  readonly cohorts: readonly CohortResult[];
  /** CVF cashflows summed by calendar month over funded cohorts: "owed for month M". */
  readonly monthlyCollections: readonly MonthlyCollection[];
  readonly breaches: readonly Breach[];
}

/** Indexes company terms once so each cohort's terms are a few map lookups. */
export class TermsIndex {
  private readonly spends;
  private readonly trades;
  private readonly thresholds: ReadonlyMap<number, Dec>;
  private readonly overrides = new Map<MonthIndex, Set<number>>();
  private static readonly NO_OVERRIDES: ReadonlySet<number> = new Set();

  constructor(readonly terms: CompanyTerms) {
    this.spends = new Map(terms.spends.map((spend) => [spend.cohortMonth, spend]));
    this.trades = new Map(terms.trades.map((trade) => [trade.cohortMonth, trade]));
    this.thresholds = new Map(
      terms.thresholds.map((t) => [t.paymentPeriod, t.minimumPaymentPercent]),
    );
    for (const override of terms.overrides) {
      const periods = this.overrides.get(override.cohortMonth) ?? new Set<number>();
      periods.add(override.paymentPeriod);
      this.overrides.set(override.cohortMonth, periods);
    }
  }

  forCohort(cohortMonth: MonthIndex): CohortTerms {
    return {
      spend: this.spends.get(cohortMonth),
      trade: this.trades.get(cohortMonth),
      thresholds: this.thresholds,
      overriddenPeriods: this.overrides.get(cohortMonth) ?? TermsIndex.NO_OVERRIDES,
    };
  }
}

/**
 * The cohorts shown (DOMAIN.md "Cohorts"): the union of months that have spend, a trade, or
 * customers, each once, in month order. A cohort with terms shows before anyone pays.
 */
export function shownCohortMonths(
  terms: Pick<CompanyTerms, 'spends' | 'trades'>,
  customerCohortMonths: Iterable<MonthIndex>,
): MonthIndex[] {
  const months = new Set(customerCohortMonths);
  for (const spend of terms.spends) months.add(spend.cohortMonth);
  for (const trade of terms.trades) months.add(trade.cohortMonth);
  return [...months].sort((a, b) => a - b);
}

/** Cohort totals + terms → the company's cashflow report, over the cohorts shown. */
export function computeCompanyCashflows(
  totals: ReadonlyMap<MonthIndex, CohortTotals>,
  terms: CompanyTerms,
  view: CashflowView,
): CashflowReport {
  const index = new TermsIndex(terms);
  const cohorts = shownCohortMonths(terms, totals.keys()).map((month) =>
    computeCohort(totals.get(month), month, index.forCohort(month), view),
  );
  return rollUp(cohorts, view);
}

/**
 * A month as the engine holds it (MonthIndex) or as the wire does (`YYYY-MM-01`, a
 * fixed-width form): both order by month with `<`, so one rule serves reports and documents.
 */
export type MonthKey = MonthIndex | string;

/** Month order, for either form of a month. */
export const compareMonthKeys = (a: MonthKey, b: MonthKey): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The CVF cashflows summed by calendar month, in month order: collections fall in calendar
 * month cohort_month + p. A null collection (an unfunded cohort) is not part of "owed".
 * Amounts add exactly (Dec), in whatever unit they come: cents from the engine, money
 * strings from documents.
 */
export function sumCollectedByMonth<M extends MonthKey>(
  collections: Iterable<{ readonly month: M; readonly collected: Dec | string | null }>,
): { month: M; amount: Dec }[] {
  const byMonth = new Map<M, Dec>();
  for (const { month, collected } of collections) {
    if (collected === null) continue;
    const sum = byMonth.get(month);
    byMonth.set(month, sum ? sum.add(collected) : new Dec(collected));
  }
  return [...byMonth.entries()]
    .sort(([a], [b]) => compareMonthKeys(a, b))
    .map(([month, amount]) => ({ month, amount }));
}

/** Breaches in the order every report lists them: by cohort month, then period. */
export function sortBreaches<B>(
  breaches: B[],
  cohortAndPeriod: (breach: B) => readonly [MonthKey, number],
): B[] {
  return breaches.sort((a, b) => {
    const [monthA, periodA] = cohortAndPeriod(a);
    const [monthB, periodB] = cohortAndPeriod(b);
    return compareMonthKeys(monthA, monthB) || periodA - periodB;
  });
}

/**
 * Per-company rollups from per-cohort results (given in month order). The same rollup over
 * the cohorts' documents is `rollUpCohortEntries`.
 */
export function rollUp(cohorts: readonly CohortResult[], view: CashflowView): CashflowReport {
  const monthlyCollections = sumCollectedByMonth(
    cohorts.flatMap((cohort) =>
      cohort.periods.map((period) => ({ month: period.month, collected: period.collectedCents })),
    ),
  ).map(({ month, amount }) => ({ month, amountCents: amount }));
  const breaches = sortBreaches(
    cohorts.flatMap((cohort) => cohort.breaches),
    (breach) => [breach.cohortMonth, breach.period],
  );
  return { view, cohorts, monthlyCollections, breaches };
}

/**
 * Owed for month M (DOMAIN.md "Collections"): the sum over funded cohorts of what falls in
 * M, in cents; 0 when nothing does. Documents delegate here (`owedDocument`).
 */
export function owedForMonth(
  report: Pick<CashflowReport, 'monthlyCollections'>,
  month: MonthIndex,
): Dec {
  return (
    report.monthlyCollections.find((entry) => entry.month === month)?.amountCents ?? new Dec(0)
  );
}
