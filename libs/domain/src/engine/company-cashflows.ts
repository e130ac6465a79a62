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

  /** Months that have spend or a trade: cohorts are shown even before any customer pays. */
  termMonths(): MonthIndex[] {
    return [...this.spends.keys(), ...this.trades.keys()];
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
 * Cohort totals + terms → the company's cashflow report. The cohorts shown are the union of
 * months that have spend, a trade, or customers, in month order.
 */
export function computeCompanyCashflows(
  totals: ReadonlyMap<MonthIndex, CohortTotals>,
  terms: CompanyTerms,
  view: CashflowView,
): CashflowReport {
  const index = new TermsIndex(terms);
  const months = [...new Set([...totals.keys(), ...index.termMonths()])].sort((a, b) => a - b);
  const cohorts = months.map((month) =>
    computeCohort(totals.get(month), month, index.forCohort(month), view),
  );
  return rollUp(cohorts, view);
}

/**
 * Per-company rollups from per-cohort results: the worker recomputes dirty cohorts and rolls
 * up the cached others with this same function.
 */
export function rollUp(cohorts: readonly CohortResult[], view: CashflowView): CashflowReport {
  const byMonth = new Map<MonthIndex, Dec>();
  const breaches: Breach[] = [];
  for (const cohort of cohorts) {
    breaches.push(...cohort.breaches);
    for (const period of cohort.periods) {
      if (period.collectedCents === null) continue;
      const sum = byMonth.get(period.month);
      byMonth.set(period.month, sum ? sum.add(period.collectedCents) : period.collectedCents);
    }
  }
  const monthlyCollections = [...byMonth.entries()]
    .sort(([a], [b]) => a - b)
    .map(([month, amountCents]) => ({ month, amountCents }));
  breaches.sort((a, b) => a.cohortMonth - b.cohortMonth || a.period - b.period);
  return { view, cohorts, monthlyCollections, breaches };
}

/** Owed for month M: the sum over funded cohorts of what falls in M (0 when nothing does). */
export function owedForMonth(report: CashflowReport, month: MonthIndex): Dec {
  return (
    report.monthlyCollections.find((entry) => entry.month === month)?.amountCents ?? new Dec(0)
  );
}
