import {
  formatCents,
  formatCentsDecimal,
  formatRatio,
  formatTermRatio,
  type Dec,
} from '../shared/money';
import { currencyExponent } from '../shared/locale';
import { formatMonth } from '../shared/month';
import { type Breach, type CohortResult, type PeriodResult } from './cohort-cashflows';
import { type CashflowReport } from './company-cashflows';

/**
 * The wire form of a cashflow report: the JSON document the CLI prints and the gateway
 * serves. snake_case, months as YYYY-MM-01, money as strings with the currency's decimals
 * (its ISO 4217 exponent; half-up) and the currency named once on the company document,
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
  /** Predicted views only, on a cohort they predict nothing for: why. */
  readonly unpredicted_reason?: string;
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
  /** ISO 4217: every amount of the document is in it. */
  readonly currency: string;
  readonly cohorts: readonly CohortDocument[];
  readonly monthly_collections: readonly { readonly month: string; readonly amount: string }[];
  readonly breaches: readonly BreachDocument[];
}

const ratio = (value: Dec | null): string | null => (value === null ? null : formatRatio(value));

function periodDocument(period: PeriodResult, exponent: number): PeriodDocument {
  const money = (cents: Dec | null) =>
    cents === null ? null : formatCentsDecimal(cents, exponent);
  return {
    period: period.period,
    month: formatMonth(period.month),
    payment: formatCentsDecimal(period.paymentCents, exponent),
    predicted: period.predicted,
    threshold_failed: period.thresholdFailed,
    share_applied: period.shareApplied === null ? null : formatTermRatio(period.shareApplied),
    collected: money(period.collectedCents),
    cumulative_collected: money(period.cumulativeCollectedCents),
  };
}

/** A cohort's document, its amounts with `exponent` decimals (the company's currency). */
export function cohortDocument(cohort: CohortResult, exponent: number): CohortDocument {
  const trade = cohort.trade;
  const money = (cents: Dec | null) =>
    cents === null ? null : formatCentsDecimal(cents, exponent);
  const whole = (cents: number | null) => (cents === null ? null : formatCents(cents, exponent));
  return {
    cohort_month: formatMonth(cohort.cohortMonth),
    planned_spend: whole(cohort.spend?.plannedCents ?? null),
    actual_spend: whole(cohort.spend?.actualCents ?? null),
    spend: whole(cohort.effectiveSpendCents),
    customer_count: cohort.customerCount,
    funded: trade !== undefined,
    ...(trade && {
      sharing_percentage: formatTermRatio(trade.sharingPercentage),
      cash_cap: formatCents(trade.cashCapCents, exponent),
    }),
    investment: money(cohort.investmentCents),
    last_actual_period: cohort.lastActualPeriod,
    periods: cohort.periods.map((period) => periodDocument(period, exponent)),
    cumulative_payment: formatCentsDecimal(cohort.cumulativePaymentCents, exponent),
    cumulative_collected: money(cohort.cumulativeCollectedCents),
    capped: cohort.capped,
    moic: ratio(cohort.moic),
    annual_irr: ratio(cohort.annualIrr),
    break_even_period: cohort.breakEvenPeriod,
    payback_period: cohort.paybackPeriod,
    cac: money(cohort.cacCents),
    ltv_per_customer: money(cohort.ltvPerCustomerCents),
    ...(cohort.unpredictedReason !== null && { unpredicted_reason: cohort.unpredictedReason }),
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

/** The company document of a report, in the company's `currency`. */
export function cashflowDocument(report: CashflowReport, currency: string): CashflowDocument {
  const exponent = currencyExponent(currency);
  return {
    view: report.view.kind,
    currency,
    cohorts: report.cohorts.map((cohort) => cohortDocument(cohort, exponent)),
    monthly_collections: report.monthlyCollections.map((entry) => ({
      month: formatMonth(entry.month),
      amount: formatCentsDecimal(entry.amountCents, exponent),
    })),
    breaches: report.breaches.map(breachDocument),
  };
}
