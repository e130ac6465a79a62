import { currencyExponent } from '../shared/locale';
import { Dec } from '../shared/money';
import { formatMonth, type MonthIndex } from '../shared/month';
import { owedDocument } from './company-rollup';
import { type CashflowDocument } from './report-document';
import { type Scenario } from './terms';

/**
 * `GET /companies/{id}/metrics`. Money is a string with the currency's decimals (named
 * once, `currency`), ratios with 6; null where undefined. Definitions (over the company's cohorts, actual view unless stated):
 * - `owed_this_month`: the actual view's collections falling in `as_of_month` (the month of
 *   the injected clock, UTC: `monthOfInstant`), "0.00" when none; `owed_by_month` is that
 *   view's `monthly_collections`.
 * - `breaches_count`: failed actual periods (the actual view's `breaches`).
 * - `total_investment`: Σ investment of funded cohorts with spend; `total_collected`:
 *   Σ cumulative collected of funded cohorts. Both sum the documents' 2-decimal amounts,
 *   so they add up to the cohort table a company sees.
 * - `moic_to_date`: total_collected ÷ total_investment; null when nothing is invested.
 * - `cac_estimate`: Σ effective spend ÷ Σ customers over cohorts with spend > 0 and
 *   customers; null when there are none.
 * - `ltv_estimate`: Σ payments over the horizon (actual + predicted) ÷ Σ customers over
 *   cohorts with customers, in the `ltv_scenario` view (AVERAGE when the company has it,
 *   else the first scenario it has); with no assumptions, actual payments only
 *   (`ltv_scenario` null). Null when the company has no customers.
 */
export interface CompanyMetrics {
  readonly as_of_month: string;
  readonly currency: string;
  readonly owed_this_month: string;
  readonly owed_by_month: readonly { readonly month: string; readonly amount: string }[];
  readonly breaches_count: number;
  readonly total_investment: string;
  readonly total_collected: string;
  readonly moic_to_date: string | null;
  readonly cac_estimate: string | null;
  readonly ltv_estimate: string | null;
  readonly ltv_scenario: Scenario | null;
  readonly cohorts_count: number;
  readonly capped_cohorts_count: number;
}

/** The scenario LTV is estimated in, in order of preference (see CompanyMetrics). */
const LTV_PREFERENCE: readonly Scenario[] = ['AVERAGE', 'BEST', 'WORST'];

/** The UTC calendar month of an instant: the month "owed this month" refers to. */
export function monthOfInstant(instant: Date): MonthIndex {
  return instant.getUTCFullYear() * 12 + instant.getUTCMonth();
}

/**
 * Exact sum of money strings ("12.34") with `exponent` decimals (the currency's); zero
 * ("0.00" in USD) for none. Never a JS float.
 */
export function sumMoney(amounts: Iterable<string>, exponent: number): string {
  let sum = new Dec(0);
  for (const amount of amounts) sum = sum.add(amount);
  return sum.toFixed(exponent);
}

/**
 * Company metrics from the rollup documents: the actual view and the predicted view of each
 * scenario the company has (definitions on `CompanyMetrics`). The month comes in as an
 * argument, so a stored value can be re-based with `metricsAsOf`.
 */
export function companyMetrics(
  actual: CashflowDocument,
  predicted: ReadonlyMap<Scenario, CashflowDocument>,
  asOf: MonthIndex,
): CompanyMetrics {
  const exponent = currencyExponent(actual.currency);
  const sum = (amounts: Iterable<string>) => sumMoney(amounts, exponent);
  const funded = actual.cohorts.filter((c) => c.funded);
  const investments = funded.flatMap((c) => (c.investment === null ? [] : [c.investment]));
  const totalInvestment = sum(investments);
  const totalCollected = sum(funded.map((c) => c.cumulative_collected ?? '0'));
  const invested = new Dec(totalInvestment);

  const withSpend = actual.cohorts.filter(
    (c) => c.spend !== null && new Dec(c.spend).gt(0) && c.customer_count > 0,
  );
  const cacCustomers = withSpend.reduce((n, c) => n + c.customer_count, 0);
  const cacSpend = new Dec(sum(withSpend.map((c) => c.spend ?? '0')));

  const ltvScenario = LTV_PREFERENCE.find((s) => predicted.has(s)) ?? null;
  const ltvDocument = (ltvScenario === null ? undefined : predicted.get(ltvScenario)) ?? actual;
  const withCustomers = ltvDocument.cohorts.filter((c) => c.customer_count > 0);
  const ltvCustomers = withCustomers.reduce((n, c) => n + c.customer_count, 0);
  const ltvPayments = new Dec(sum(withCustomers.map((c) => c.cumulative_payment)));

  return withOwed(
    {
      as_of_month: formatMonth(asOf),
      currency: actual.currency,
      owed_this_month: sum([]),
      owed_by_month: actual.monthly_collections,
      breaches_count: actual.breaches.length,
      total_investment: totalInvestment,
      total_collected: totalCollected,
      moic_to_date: invested.gt(0) ? new Dec(totalCollected).div(invested).toFixed(6) : null,
      cac_estimate: cacCustomers > 0 ? cacSpend.div(cacCustomers).toFixed(exponent) : null,
      ltv_estimate: ltvCustomers > 0 ? ltvPayments.div(ltvCustomers).toFixed(exponent) : null,
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
  const owed = owedDocument(
    { monthly_collections: metrics.owed_by_month, currency: metrics.currency },
    asOf,
  );
  return { ...metrics, as_of_month: owed.month, owed_this_month: owed.owed };
}
