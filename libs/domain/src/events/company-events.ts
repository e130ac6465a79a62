import { type Scenario } from '../engine/terms';
import { type Event } from './message';

/**
 * Events of the company stream `company-<id>`. Wire forms: money "1234.50" (2 decimals),
 * months "YYYY-MM-01", ratios canonical decimal strings ("0.8", never "8e-1"), payment
 * periods as integers.
 */

/**
 * v2 added `currency` (ISO 4217) and `timezone` (IANA); a v1 event reads as USD and UTC
 * (schema.ts), which is what every company was before.
 */
export type CompanyRegistered = Event<
  'CompanyRegistered',
  { name: string; currency: string; timezone: string }
>;
export type CompanyRenamed = Event<'CompanyRenamed', { name: string }>;

interface TradeTermsData {
  cohort_month: string;
  sharing_percentage: string;
  cash_cap: string;
}
export type TradeCreated = Event<'TradeCreated', TradeTermsData>;
/** Carries the complete new terms, not a diff, so a reader never needs the earlier event. */
export type TradeAmended = Event<'TradeAmended', TradeTermsData>;

export type SpendPlanned = Event<'SpendPlanned', { cohort_month: string; planned_spend: string }>;
export type SpendActualReported = Event<
  'SpendActualReported',
  { cohort_month: string; actual_spend: string }
>;

export type ThresholdSet = Event<
  'ThresholdSet',
  { payment_period_month: number; minimum_payment_percent: string }
>;
export type ThresholdRemoved = Event<'ThresholdRemoved', { payment_period_month: number }>;

export type ThresholdOverridden = Event<
  'ThresholdOverridden',
  { cohort_month: string; payment_period_month: number; reason: string }
>;
export type ThresholdOverrideRevoked = Event<
  'ThresholdOverrideRevoked',
  { cohort_month: string; payment_period_month: number }
>;

export type PredictionAssumptionsSet = Event<
  'PredictionAssumptionsSet',
  { scenario: Scenario; m0: string; churn: string }
>;

/**
 * Only a reference to the secret: the log is immutable and replicated (read models, Kafka),
 * so a secret written into it could never be rotated out. The secret itself lives in a
 * secret store keyed by `secret_id`.
 */
export type WebhookSecretAdded = Event<'WebhookSecretAdded', { secret_id: string }>;
export type WebhookSecretRevoked = Event<'WebhookSecretRevoked', { secret_id: string }>;

export type CompanyEvent =
  | CompanyRegistered
  | CompanyRenamed
  | TradeCreated
  | TradeAmended
  | SpendPlanned
  | SpendActualReported
  | ThresholdSet
  | ThresholdRemoved
  | ThresholdOverridden
  | ThresholdOverrideRevoked
  | PredictionAssumptionsSet
  | WebhookSecretAdded
  | WebhookSecretRevoked;

export type CompanyEventType = CompanyEvent['type'];

// A record, not an array, so the compiler refuses a type missing from (or foreign to) the list.
const companyEventTypes: Readonly<Record<CompanyEventType, true>> = {
  CompanyRegistered: true,
  CompanyRenamed: true,
  TradeCreated: true,
  TradeAmended: true,
  SpendPlanned: true,
  SpendActualReported: true,
  ThresholdSet: true,
  ThresholdRemoved: true,
  ThresholdOverridden: true,
  ThresholdOverrideRevoked: true,
  PredictionAssumptionsSet: true,
  WebhookSecretAdded: true,
  WebhookSecretRevoked: true,
};

export const COMPANY_EVENT_TYPES = Object.keys(companyEventTypes) as readonly CompanyEventType[];

export function isCompanyEventType(type: string): type is CompanyEventType {
  return Object.hasOwn(companyEventTypes, type);
}
