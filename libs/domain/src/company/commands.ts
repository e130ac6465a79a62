import { type Command } from '../events/message';

/**
 * Commands on the company stream. They carry the raw wire values the caller sent (money and
 * ratios as decimal strings, months as "YYYY-MM-01"/"YYYY-MM", periods as numbers): the
 * decider validates and normalises them, so the HTTP API and the CSV importer cannot
 * validate differently, and a ValidationError names the field as the caller spelled it.
 */

/** `currency` defaults to USD, `timezone` to UTC; both are fixed once registered. */
export type RegisterCompany = Command<
  'RegisterCompany',
  { name: string; currency?: string; timezone?: string }
>;
export type RenameCompany = Command<'RenameCompany', { name: string }>;

interface TradeTermsInput {
  cohort_month: string;
  sharing_percentage: string;
  cash_cap: string;
}
export type CreateTrade = Command<'CreateTrade', TradeTermsInput>;
export type AmendTrade = Command<'AmendTrade', TradeTermsInput>;

export type PlanSpend = Command<'PlanSpend', { cohort_month: string; planned_spend: string }>;
export type ReportActualSpend = Command<
  'ReportActualSpend',
  { cohort_month: string; actual_spend: string }
>;

export type SetThreshold = Command<
  'SetThreshold',
  { payment_period_month: number; minimum_payment_percent: string }
>;
export type RemoveThreshold = Command<'RemoveThreshold', { payment_period_month: number }>;

export type OverrideThreshold = Command<
  'OverrideThreshold',
  { cohort_month: string; payment_period_month: number; reason: string }
>;
export type RevokeThresholdOverride = Command<
  'RevokeThresholdOverride',
  { cohort_month: string; payment_period_month: number }
>;

export type SetPredictionAssumptions = Command<
  'SetPredictionAssumptions',
  { scenario: string; m0: string; churn: string }
>;

/** The secret itself goes to the secret store; the command names it by id only. */
export type AddWebhookSecret = Command<'AddWebhookSecret', { secret_id: string }>;
export type RevokeWebhookSecret = Command<'RevokeWebhookSecret', { secret_id: string }>;

export type CompanyCommand =
  | RegisterCompany
  | RenameCompany
  | CreateTrade
  | AmendTrade
  | PlanSpend
  | ReportActualSpend
  | SetThreshold
  | RemoveThreshold
  | OverrideThreshold
  | RevokeThresholdOverride
  | SetPredictionAssumptions
  | AddWebhookSecret
  | RevokeWebhookSecret;
