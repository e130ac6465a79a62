import {
  type PredictionAssumptions,
  type Scenario,
  type Spend,
  type Threshold,
  type ThresholdOverride,
  type Trade,
} from '../engine/terms';
import { formatCents, formatTermRatio } from '../shared/money';
import { formatMonth } from '../shared/month';
import { type CompanyState } from './state';

/** Wire forms of a company's terms (snake_case, money with 2 decimals, months YYYY-MM-01). */
export const tradeDocument = (trade: Trade) => ({
  cohort_month: formatMonth(trade.cohortMonth),
  sharing_percentage: formatTermRatio(trade.sharingPercentage),
  cash_cap: formatCents(trade.cashCapCents),
});

export const spendDocument = (spend: Spend) => ({
  cohort_month: formatMonth(spend.cohortMonth),
  planned_spend: formatCents(spend.plannedCents),
  actual_spend: spend.actualCents === null ? null : formatCents(spend.actualCents),
  effective_spend: formatCents(spend.actualCents ?? spend.plannedCents),
});

export const thresholdDocument = (threshold: Threshold) => ({
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
  return {
    id: companyId,
    name: state.name,
    trades: byKey(state.trades).map(tradeDocument),
    spends: byKey(state.spends).map(spendDocument),
    thresholds: byKey(state.thresholds).map(thresholdDocument),
    threshold_overrides: [...state.overrides.values()]
      .sort((a, b) => a.cohortMonth - b.cohortMonth || a.paymentPeriod - b.paymentPeriod)
      .map(overrideDocument),
    prediction_assumptions: [...state.assumptions.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([scenario, assumptions]) => assumptionsDocument(scenario, assumptions)),
  };
}
