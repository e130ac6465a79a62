import {
  formatCents,
  formatCentsDecimal,
  formatRatio,
  formatTermRatio,
  type Dec,
} from '../shared/money';
import { formatMonth } from '../shared/month';
import { type Breach, type CohortResult, type PeriodResult } from './cohort-cashflows';
import { type CashflowReport } from './company-cashflows';

/**
 * The wire form of a cashflow report: the JSON document the CLI prints and the gateway
 * serves. snake_case, months as YYYY-MM-01, money as strings with 2 decimals (half-up),
 * computed ratios with 6 decimals, contractual ratios as entered, null where undefined.
 */
export interface PeriodDocument {
  readonly period: number;
  readonly month: string;
  readonly payment: string;
  readonly predicted: boolean;
  readonly threshold_failed: boolean | null;
  readonly share_applied: string | null;
  readonly collected: string | null;
  readonly cumulative_collected: string | null;
}

export interface CohortDocument {
  readonly cohort_month: string;
  readonly planned_spend: string | null;
  readonly actual_spend: string | null;
  readonly spend: string | null;
  readonly customer_count: number;
  readonly funded: boolean;
  readonly sharing_percentage?: string;
  readonly cash_cap?: string;
  readonly investment: string | null;
  readonly last_actual_period: number | null;
  readonly periods: readonly PeriodDocument[];
  readonly cumulative_payment: string;
  readonly cumulative_collected: string | null;
  readonly capped: boolean | null;
  readonly moic: string | null;
  readonly annual_irr: string | null;
  readonly break_even_period: number | null;
  readonly payback_period: number | null;
  readonly cac: string | null;
  readonly ltv_per_customer: string | null;
}

export interface BreachDocument {
  readonly cohort_month: string;
  readonly period: number;
  readonly month: string;
  readonly ratio: string;
  readonly minimum: string;
}

export interface CashflowDocument {
  readonly view: 'actual' | 'predicted';
  readonly cohorts: readonly CohortDocument[];
  readonly monthly_collections: readonly { readonly month: string; readonly amount: string }[];
  readonly breaches: readonly BreachDocument[];
}

const money = (cents: Dec | null): string | null =>
  cents === null ? null : formatCentsDecimal(cents);
const ratio = (value: Dec | null): string | null => (value === null ? null : formatRatio(value));

function periodDocument(period: PeriodResult): PeriodDocument {
  return {
    period: period.period,
    month: formatMonth(period.month),
    payment: formatCentsDecimal(period.paymentCents),
    predicted: period.predicted,
    threshold_failed: period.thresholdFailed,
    share_applied: period.shareApplied === null ? null : formatTermRatio(period.shareApplied),
    collected: money(period.collectedCents),
    cumulative_collected: money(period.cumulativeCollectedCents),
  };
}

export function cohortDocument(cohort: CohortResult): CohortDocument {
  const trade = cohort.trade;
  return {
    cohort_month: formatMonth(cohort.cohortMonth),
    planned_spend: cohort.spend ? formatCents(cohort.spend.plannedCents) : null,
    actual_spend:
      cohort.spend && cohort.spend.actualCents !== null
        ? formatCents(cohort.spend.actualCents)
        : null,
    spend: cohort.effectiveSpendCents === null ? null : formatCents(cohort.effectiveSpendCents),
    customer_count: cohort.customerCount,
    funded: trade !== undefined,
    ...(trade && {
      sharing_percentage: formatTermRatio(trade.sharingPercentage),
      cash_cap: formatCents(trade.cashCapCents),
    }),
    investment: money(cohort.investmentCents),
    last_actual_period: cohort.lastActualPeriod,
    periods: cohort.periods.map(periodDocument),
    cumulative_payment: formatCentsDecimal(cohort.cumulativePaymentCents),
    cumulative_collected: money(cohort.cumulativeCollectedCents),
    capped: cohort.capped,
    moic: ratio(cohort.moic),
    annual_irr: ratio(cohort.annualIrr),
    break_even_period: cohort.breakEvenPeriod,
    payback_period: cohort.paybackPeriod,
    cac: money(cohort.cacCents),
    ltv_per_customer: money(cohort.ltvPerCustomerCents),
  };
}

export function breachDocument(breach: Breach): BreachDocument {
  return {
    cohort_month: formatMonth(breach.cohortMonth),
    period: breach.period,
    month: formatMonth(breach.month),
    ratio: formatRatio(breach.ratio),
    minimum: formatTermRatio(breach.minimum),
  };
}

export function cashflowDocument(report: CashflowReport): CashflowDocument {
  return {
    view: report.view.kind,
    cohorts: report.cohorts.map(cohortDocument),
    monthly_collections: report.monthlyCollections.map((entry) => ({
      month: formatMonth(entry.month),
      amount: formatCentsDecimal(entry.amountCents),
    })),
    breaches: report.breaches.map(breachDocument),
  };
}
