import { type MonthIndex, type Scenario } from '@cvf/domain';

/** The row changes a batch of events makes, one per row (see batch-plan.ts). */

export interface PaymentRow {
  readonly companyId: string;
  readonly paymentId: string;
  customerId: string;
  paymentDate: string;
  paymentMonth: MonthIndex;
  amountCents: number;
  /** Refunds less reversals (PaymentRefunded, PaymentRefundReversed). */
  refundedCents: number;
  /** Chargebacks withdrawn less reinstated (PaymentDisputed, PaymentDisputeReinstated). */
  disputedCents: number;
  voided: boolean;
  readonly source: string;
  readonly recordedAt: string;
}

/**
 * Changes to a payment recorded in an earlier batch; refund and dispute changes add up (a
 * reversal or reinstatement is negative), a correction replaces.
 */
export interface PaymentPatch {
  readonly companyId: string;
  readonly paymentId: string;
  refundCents: number;
  disputeCents: number;
  correction: {
    readonly customerId: string;
    readonly paymentDate: string;
    readonly paymentMonth: MonthIndex;
    readonly amountCents: number;
  } | null;
  voided: boolean;
}

export interface CompanyRow {
  readonly companyId: string;
  name: string;
  /** Null for a rename: an upsert keeps the stored registration time. */
  registeredAt: string | null;
  /** Null for a rename (the registration's stand). */
  currency: string | null;
  timezone: string | null;
}

export interface TradeRow {
  readonly companyId: string;
  readonly cohortMonth: MonthIndex;
  /** Ratios stay the canonical decimal strings of the log (exact, as entered). */
  readonly sharingPercentage: string;
  readonly cashCapCents: number;
}

/** Null fields are "not reported in this batch": the stored value stays. */
export interface SpendChange {
  readonly companyId: string;
  readonly cohortMonth: MonthIndex;
  plannedCents: number | null;
  actualCents: number | null;
}

export interface ThresholdRow {
  readonly companyId: string;
  readonly paymentPeriod: number;
  /** Null: the threshold was removed. */
  readonly minimumPaymentPercent: string | null;
}

export interface OverrideRow {
  readonly companyId: string;
  readonly cohortMonth: MonthIndex;
  readonly paymentPeriod: number;
  /** Null: the override was revoked. */
  readonly reason: string | null;
}

export interface AssumptionsRow {
  readonly companyId: string;
  readonly scenario: Scenario;
  readonly m0: string;
  readonly churn: string;
}

export type DirtyCohorts = Set<MonthIndex> | 'all';
