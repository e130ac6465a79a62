import {
  type PredictionAssumptions,
  type Scenario,
  type Spend,
  type Threshold,
  type ThresholdOverride,
  type Trade,
} from '../engine/terms';
import { currencyExponent } from '../shared/locale';
import { formatCents, formatTermRatio } from '../shared/money';
import { formatMonth } from '../shared/month';
import { type CompanyState } from './state';

/**
 * Wire forms of a company's terms (snake_case, money with the currency's decimals —
 * `exponent` —, months YYYY-MM-01). Each carries the `id` its routes address it by: a trade's
 * and a spend's is its cohort month (`PUT /companies/{id}/spends/2024-01-01`), a
 * threshold's its payment period (`PUT /companies/{id}/thresholds/1`), there being at most
 * one per month or period.
 */
export const tradeDocument = (trade: Trade, exponent: number) => ({
  id: formatMonth(trade.cohortMonth),
  cohort_month: formatMonth(trade.cohortMonth),
  sharing_percentage: formatTermRatio(trade.sharingPercentage),
  cash_cap: formatCents(trade.cashCapCents, exponent),
});

export const spendDocument = (spend: Spend, exponent: number) => ({
  id: formatMonth(spend.cohortMonth),
  cohort_month: formatMonth(spend.cohortMonth),
  planned_spend: formatCents(spend.plannedCents, exponent),
  actual_spend: spend.actualCents === null ? null : formatCents(spend.actualCents, exponent),
  effective_spend: formatCents(spend.actualCents ?? spend.plannedCents, exponent),
});

export const thresholdDocument = (threshold: Threshold) => ({
  id: threshold.paymentPeriod,
  payment_period_month: threshold.paymentPeriod,
  minimum_payment_percent: formatTermRatio(threshold.minimumPaymentPercent),
});

export const overrideDocument = (override: ThresholdOverride) => ({
  cohort_month: formatMonth(override.cohortMonth),
  payment_period_month: override.paymentPeriod,
  reason: override.reason,
});

export const assumptionsDocument = (scenario: Scenario, assumptions: PredictionAssumptions) => ({
  scenario,
  m0: formatTermRatio(assumptions.m0),
  churn: formatTermRatio(assumptions.churn),
});

/** A company's terms as the write side holds them, sorted by month or period. */
export function companyStateDocument(companyId: string, state: CompanyState) {
  const byKey = <T>(map: ReadonlyMap<number, T>) =>
    [...map.entries()].sort(([a], [b]) => a - b).map(([, v]) => v);
  const exponent = currencyExponent(state.currency);
  return {
    id: companyId,
    name: state.name,
    currency: state.currency,
    timezone: state.timezone,
    trades: byKey(state.trades).map((trade) => tradeDocument(trade, exponent)),
    spends: byKey(state.spends).map((spend) => spendDocument(spend, exponent)),
    thresholds: byKey(state.thresholds).map(thresholdDocument),
    threshold_overrides: [...state.overrides.values()]
      .sort((a, b) => a.cohortMonth - b.cohortMonth || a.paymentPeriod - b.paymentPeriod)
      .map(overrideDocument),
    prediction_assumptions: [...state.assumptions.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([scenario, assumptions]) => assumptionsDocument(scenario, assumptions)),
  };
}
