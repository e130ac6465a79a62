import { Dec, roundToCent, type Cents } from '../shared/money';
import { type MonthIndex } from '../shared/month';
import { type CohortTotals } from './cohort-totals';
import { annualise, monthlyIrr } from './irr';
import {
  effectiveSpendCents,
  type CashflowView,
  type CohortTerms,
  type Spend,
  type Trade,
} from './terms';

/** One period of one cohort. Amounts are in cents (Dec: predictions carry fractions of a cent). */
export interface PeriodResult {
  readonly period: number;
  readonly month: MonthIndex;
  readonly paymentCents: Dec;
  readonly predicted: boolean;
  /** null for unfunded cohorts and for cohorts without effective spend (no ratio). */
  readonly thresholdFailed: boolean | null;
  /** null when nothing is collected: unfunded, or after the cohort is capped. */
  readonly shareApplied: Dec | null;
  readonly collectedCents: Dec | null;
  readonly cumulativeCollectedCents: Dec | null;
}

export interface Breach {
  readonly cohortMonth: MonthIndex;
  readonly period: number;
  readonly month: MonthIndex;
  readonly ratio: Dec;
  readonly minimum: Dec;
}

export interface CohortResult {
  readonly cohortMonth: MonthIndex;
  readonly spend: Spend | undefined;
  readonly effectiveSpendCents: Cents | null;
  readonly customerCount: number;
  readonly trade: Trade | undefined;
  /** null when the cohort has no payments. */
  readonly lastActualPeriod: number | null;
  readonly periods: readonly PeriodResult[];
  readonly cumulativePaymentCents: Dec;
  readonly cumulativeCollectedCents: Dec | null;
  readonly capped: boolean | null;
  readonly investmentCents: Dec | null;
  readonly moic: Dec | null;
  readonly annualIrr: Dec | null;
  readonly breakEvenPeriod: number | null;
  readonly paybackPeriod: number | null;
  readonly cacCents: Dec | null;
  readonly ltvPerCustomerCents: Dec | null;
  /** Failed actual periods (predicted failures show in `periods` only). */
  readonly breaches: readonly Breach[];
  /** Why a predicted view predicts nothing for this cohort; null when it does (or is actual). */
  readonly unpredictedReason: UnpredictedReason | null;
}

/** Why a cohort without payments has no predicted periods. */
export const UNPREDICTED_REASONS = {
  no_m0: 'no payments yet, and no m0 to predict its first period from',
  no_spend: 'no payments and no spend to predict from',
} as const;
export type UnpredictedReason = (typeof UNPREDICTED_REASONS)[keyof typeof UNPREDICTED_REASONS];

const ZERO = new Dec(0);
const ONE = new Dec(1);

/**
 * Layer (b) for one cohort: totals + terms → periods, collections and metrics.
 *
 * Pure and self-contained: a cohort's result never depends on another cohort's data, so the
 * worker can recompute only the cohorts an event touched.
 *
 * Choices where DOMAIN.md is silent (also in the README):
 * - Once capped, later periods collect 0 and their thresholds are not evaluated: the fund's
 *   claim is settled, so a slow month can no longer breach anything. Predicted periods are
 *   still listed after the cap (their payments feed LTV) with collected 0.
 * - A predicted view covers periods 0..max(L, horizon − 1): actual periods are never dropped.
 * - A cohort with neither payments nor effective spend has nothing to predict from: no periods.
 * - Break-even needs a positive effective spend, like every spend-based ratio.
 */
export function computeCohort(
  totals: CohortTotals | undefined,
  cohortMonth: MonthIndex,
  terms: CohortTerms,
  view: CashflowView,
): CohortResult {
  const spendCents = effectiveSpendCents(terms.spend);
  const hasRatio = spendCents !== null && spendCents > 0;
  const spendDec = hasRatio ? new Dec(spendCents) : null;
  const trade = terms.trade;
  const customerCount = totals?.customerCount ?? 0;
  const { payments, unpredictedReason } = periodPayments(totals, spendCents, view);
  const lastActualPeriod =
    totals && totals.periodCents.length > 0 ? totals.periodCents.length - 1 : null;

  const periods: PeriodResult[] = [];
  const breaches: Breach[] = [];
  const collectedFlows: Dec[] = [];
  let cumulativePayment = ZERO;
  let cumulativeCollected = ZERO;
  let capped = false;
  let breakEvenPeriod: number | null = null;
  let paybackPeriod: number | null = null;
  const capCents = trade ? new Dec(trade.cashCapCents) : null;
  const investment = trade && spendDec ? spendDec.mul(trade.sharingPercentage) : null;

  for (let period = 0; period < payments.length; period++) {
    const payment = payments[period]!;
    const predicted = lastActualPeriod === null || period > lastActualPeriod;
    const month = cohortMonth + period;
    cumulativePayment = cumulativePayment.add(payment);
    if (breakEvenPeriod === null && spendDec && cumulativePayment.gte(spendDec))
      breakEvenPeriod = period;

    if (!trade || !capCents) {
      periods.push(unfundedPeriod(period, month, payment, predicted));
      continue;
    }
    if (capped) {
      collectedFlows.push(ZERO);
      periods.push({
        period,
        month,
        paymentCents: payment,
        predicted,
        thresholdFailed: hasRatio ? false : null,
        shareApplied: null,
        collectedCents: ZERO,
        cumulativeCollectedCents: cumulativeCollected,
      });
      continue;
    }

    const minimum = hasRatio ? terms.thresholds.get(period) : undefined;
    // ratio < minimum ⇔ payment < minimum × spend (spend > 0): no division on the hot path.
    const failed =
      minimum !== undefined &&
      !terms.overriddenPeriods.has(period) &&
      payment.lt(minimum.mul(spendDec!));
    const share = failed ? ONE : trade.sharingPercentage;
    const remaining = capCents.sub(cumulativeCollected);
    const due = roundToCent(share.mul(payment));
    const collected = Dec.min(due, remaining);
    cumulativeCollected = cumulativeCollected.add(collected);
    capped = cumulativeCollected.eq(capCents);
    collectedFlows.push(collected);
    if (paybackPeriod === null && investment && cumulativeCollected.gte(investment)) {
      paybackPeriod = period;
    }
    if (failed && !predicted) {
      breaches.push({
        cohortMonth,
        period,
        month,
        ratio: payment.div(spendDec!),
        minimum: minimum,
      });
    }
    periods.push({
      period,
      month,
      paymentCents: payment,
      predicted,
      thresholdFailed: hasRatio ? failed : null,
      shareApplied: share,
      collectedCents: collected,
      cumulativeCollectedCents: cumulativeCollected,
    });
  }

  const funded = trade !== undefined;
  return {
    cohortMonth,
    spend: terms.spend,
    effectiveSpendCents: spendCents,
    customerCount,
    trade,
    lastActualPeriod,
    periods,
    cumulativePaymentCents: cumulativePayment,
    cumulativeCollectedCents: funded ? cumulativeCollected : null,
    capped: funded ? capped : null,
    investmentCents: investment,
    moic: investment ? cumulativeCollected.div(investment) : null,
    annualIrr: investment ? irrOf(investment, collectedFlows) : null,
    breakEvenPeriod,
    paybackPeriod,
    cacCents: hasRatio && customerCount > 0 ? spendDec!.div(customerCount) : null,
    ltvPerCustomerCents: customerCount > 0 ? cumulativePayment.div(customerCount) : null,
    breaches,
    unpredictedReason,
  };
}

/**
 * The payment of every period the view walks: actual totals for 0..L, then (predicted view)
 * value(L) × (1 − churn)^k, or m0 × spend × (1 − churn)^p for a cohort without payments
 * (unpredicted, with the reason, when there is no m0 or no spend to take).
 * Each predicted value is computed from its base in full precision; nothing is rounded
 * between periods.
 */
function periodPayments(
  totals: CohortTotals | undefined,
  spendCents: Cents | null,
  view: CashflowView,
): { payments: Dec[]; unpredictedReason: UnpredictedReason | null } {
  const actual = (totals?.periodCents ?? []).map((cents) => new Dec(cents));
  if (view.kind === 'actual') return { payments: actual, unpredictedReason: null };

  const retention = ONE.sub(view.assumptions.churn);
  const payments = actual.slice();
  let base: Dec;
  let factor: Dec;
  if (actual.length > 0) {
    base = actual[actual.length - 1]!;
    factor = retention;
  } else if (spendCents === null) {
    return { payments, unpredictedReason: UNPREDICTED_REASONS.no_spend };
  } else if (view.assumptions.m0 === null) {
    return { payments, unpredictedReason: UNPREDICTED_REASONS.no_m0 };
  } else {
    base = view.assumptions.m0.mul(spendCents);
    factor = ONE;
  }
  for (let period = payments.length; period < view.horizon; period++) {
    payments.push(base.mul(factor));
    factor = factor.mul(retention);
  }
  return { payments, unpredictedReason: null };
}

function unfundedPeriod(
  period: number,
  month: MonthIndex,
  payment: Dec,
  predicted: boolean,
): PeriodResult {
  return {
    period,
    month,
    paymentCents: payment,
    predicted,
    thresholdFailed: null,
    shareApplied: null,
    collectedCents: null,
    cumulativeCollectedCents: null,
  };
}

/** The fund's flows: −investment at period 0, + collected at each period (period 0 nets both). */
function irrOf(investmentCents: Dec, collectedCents: readonly Dec[]): Dec | null {
  if (collectedCents.length === 0) return null;
  const flows = collectedCents.slice();
  flows[0] = flows[0]!.sub(investmentCents);
  const rate = monthlyIrr(flows);
  return rate === null ? null : annualise(rate);
}
