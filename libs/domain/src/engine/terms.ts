import { type Cents, type Dec } from '../shared/money';
import { type MonthIndex } from '../shared/month';

/** The inputs of DOMAIN.md other than payments, already validated. */

export interface Spend {
  readonly cohortMonth: MonthIndex;
  readonly plannedCents: Cents;
  /** Reported actual spend; null until reported. */
  readonly actualCents: Cents | null;
}

/** effective spend = actual spend when reported, else planned spend. */
export function effectiveSpendCents(spend: Spend | undefined): Cents | null {
  if (!spend) return null;
  return spend.actualCents ?? spend.plannedCents;
}

export interface Trade {
  readonly cohortMonth: MonthIndex;
  /** 0 < sharingPercentage ≤ 1 */
  readonly sharingPercentage: Dec;
  /** > 0 */
  readonly cashCapCents: Cents;
}

export interface Threshold {
  readonly paymentPeriod: number;
  /** 0 ≤ minimumPaymentPercent ≤ 1 */
  readonly minimumPaymentPercent: Dec;
}

export interface ThresholdOverride {
  readonly cohortMonth: MonthIndex;
  readonly paymentPeriod: number;
  readonly reason: string;
}

export const SCENARIOS = ['WORST', 'AVERAGE', 'BEST'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface PredictionAssumptions {
  /** Period-0 payments per unit of spend for a cohort that has none yet; ≥ 0. */
  readonly m0: Dec;
  /** Month-over-month decay; 0 ≤ churn ≤ 1. */
  readonly churn: Dec;
}

/**
 * What a predicted view predicts with. m0 may be unknown (null, a prediction asked with churn
 * only): cohorts with payments are predicted from their last actual period all the same, and
 * cohorts without payments are left unpredicted, saying why.
 */
export interface PredictionInputs {
  readonly m0: Dec | null;
  readonly churn: Dec;
}

export const DEFAULT_HORIZON = 36;

/** Actual-only views use periods 0..L; predicted views walk the horizon. */
export type CashflowView =
  | { readonly kind: 'actual' }
  | {
      readonly kind: 'predicted';
      readonly assumptions: PredictionInputs;
      readonly horizon: number;
    };

/** Everything about one company except its payments. */
export interface CompanyTerms {
  readonly spends: readonly Spend[];
  readonly trades: readonly Trade[];
  readonly thresholds: readonly Threshold[];
  readonly overrides: readonly ThresholdOverride[];
}

/** The terms that bear on one cohort: what a single-cohort recompute loads. */
export interface CohortTerms {
  readonly spend: Spend | undefined;
  readonly trade: Trade | undefined;
  /** Company-wide thresholds by payment period. */
  readonly thresholds: ReadonlyMap<number, Dec>;
  /** Periods of this cohort whose threshold is waived. */
  readonly overriddenPeriods: ReadonlySet<number>;
}
