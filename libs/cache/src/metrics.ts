import { type CashflowDocument, Dec, formatMonth, type MonthIndex } from '@cvf/domain';
import { type CompanyMetrics } from './documents';
import { sumMoney } from './rollup';

/** The scenario LTV is estimated in, in order of preference (see CompanyMetrics). */
const LTV_PREFERENCE = ['AVERAGE', 'BEST', 'WORST'] as const;

/** The UTC calendar month of an instant: the month "owed this month" refers to. */
export function monthOf(instant: Date): MonthIndex {
  return instant.getUTCFullYear() * 12 + instant.getUTCMonth();
}

/**
 * Company metrics from the rollup documents (definitions on `CompanyMetrics`). Pure: the
 * month comes in as an argument, so a cached value can be re-based with `metricsAsOf`.
 */
export function companyMetrics(
  actual: CashflowDocument,
  predicted: ReadonlyMap<string, CashflowDocument>,
  asOf: MonthIndex,
): CompanyMetrics {
  const funded = actual.cohorts.filter((c) => c.funded);
  const investments = funded.flatMap((c) => (c.investment === null ? [] : [c.investment]));
  const totalInvestment = sumMoney(investments);
  const totalCollected = sumMoney(funded.map((c) => c.cumulative_collected ?? '0'));
  const invested = new Dec(totalInvestment);

  const withSpend = actual.cohorts.filter(
    (c) => c.spend !== null && new Dec(c.spend).gt(0) && c.customer_count > 0,
  );
  const cacCustomers = withSpend.reduce((n, c) => n + c.customer_count, 0);
  const cacSpend = new Dec(sumMoney(withSpend.map((c) => c.spend ?? '0')));

  const ltvScenario = LTV_PREFERENCE.find((s) => predicted.has(`predicted:${s}`)) ?? null;
  const ltvDocument =
    (ltvScenario === null ? undefined : predicted.get(`predicted:${ltvScenario}`)) ?? actual;
  const withCustomers = ltvDocument.cohorts.filter((c) => c.customer_count > 0);
  const ltvCustomers = withCustomers.reduce((n, c) => n + c.customer_count, 0);
  const ltvPayments = new Dec(sumMoney(withCustomers.map((c) => c.cumulative_payment)));

  return withOwed(
    {
      as_of_month: formatMonth(asOf),
      owed_this_month: '0.00',
      owed_by_month: actual.monthly_collections,
      breaches_count: actual.breaches.length,
      total_investment: totalInvestment,
      total_collected: totalCollected,
      moic_to_date: invested.gt(0) ? new Dec(totalCollected).div(invested).toFixed(6) : null,
      cac_estimate: cacCustomers > 0 ? cacSpend.div(cacCustomers).toFixed(2) : null,
      ltv_estimate: ltvCustomers > 0 ? ltvPayments.div(ltvCustomers).toFixed(2) : null,
      ltv_scenario: ltvScenario,
      cohorts_count: actual.cohorts.length,
      capped_cohorts_count: funded.filter((c) => c.capped === true).length,
    },
    asOf,
  );
}

/** The same metrics for another month: only `owed_this_month` depends on the clock. */
export function metricsAsOf(metrics: CompanyMetrics, asOf: MonthIndex): CompanyMetrics {
  return formatMonth(asOf) === metrics.as_of_month ? metrics : withOwed(metrics, asOf);
}

function withOwed(metrics: CompanyMetrics, asOf: MonthIndex): CompanyMetrics {
  const month = formatMonth(asOf);
  const owed = metrics.owed_by_month.find((entry) => entry.month === month)?.amount ?? '0.00';
  return { ...metrics, as_of_month: month, owed_this_month: owed };
}
