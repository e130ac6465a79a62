import {
  type CompanyTerms,
  type PredictionAssumptions,
  type Scenario,
  type Spend,
  type Threshold,
  type ThresholdOverride,
  type Trade,
} from '../engine/terms';
import { type CompanyEvent } from '../events/company-events';
import { storedCents, storedMonth, storedRatio } from '../events/wire';
import { DEFAULT_CURRENCY, DEFAULT_TIME_ZONE } from '../shared/locale';
import { type MonthIndex } from '../shared/month';

/**
 * Everything the company decider needs, in the engine's own term types so that the terms a
 * company holds and the terms the engine computes with cannot drift apart.
 */
export interface CompanyState {
  readonly registered: boolean;
  readonly name: string | null;
  /** ISO 4217; every amount of the company is in its minor unit. */
  readonly currency: string;
  /** IANA; a processor's timestamp becomes a date here. */
  readonly timezone: string;
  readonly trades: ReadonlyMap<MonthIndex, Trade>;
  readonly spends: ReadonlyMap<MonthIndex, Spend>;
  /** By payment period. */
  readonly thresholds: ReadonlyMap<number, Threshold>;
  /** By `overrideKey(cohortMonth, paymentPeriod)`. */
  readonly overrides: ReadonlyMap<string, ThresholdOverride>;
  readonly assumptions: ReadonlyMap<Scenario, PredictionAssumptions>;
  /** Ids of the active webhook signing secrets (the secrets live outside the log). */
  readonly webhookSecretIds: ReadonlySet<string>;
}

export const initialCompanyState: CompanyState = {
  registered: false,
  name: null,
  currency: DEFAULT_CURRENCY,
  timezone: DEFAULT_TIME_ZONE,
  trades: new Map(),
  spends: new Map(),
  thresholds: new Map(),
  overrides: new Map(),
  assumptions: new Map(),
  webhookSecretIds: new Set(),
};

export function overrideKey(cohortMonth: MonthIndex, paymentPeriod: number): string {
  return `${cohortMonth}:${paymentPeriod}`;
}

// Copy-on-write: states are shared between a test's given and its then, and between a cached
// aggregate and the command being decided, so evolve never mutates.
function withEntry<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): ReadonlyMap<K, V> {
  return new Map(map).set(key, value);
}

function withoutEntry<K, V>(map: ReadonlyMap<K, V>, key: K): ReadonlyMap<K, V> {
  const next = new Map(map);
  next.delete(key);
  return next;
}

export function evolveCompany(state: CompanyState, event: CompanyEvent): CompanyState {
  switch (event.type) {
    case 'CompanyRegistered':
      return {
        ...state,
        registered: true,
        name: event.data.name,
        currency: event.data.currency,
        timezone: event.data.timezone,
      };
    case 'CompanyRenamed':
      return { ...state, name: event.data.name };
    case 'TradeCreated':
    case 'TradeAmended': {
      const cohortMonth = storedMonth(event.data.cohort_month);
      const trade: Trade = {
        cohortMonth,
        sharingPercentage: storedRatio(event.data.sharing_percentage),
        cashCapCents: storedCents(event.data.cash_cap),
      };
      return { ...state, trades: withEntry(state.trades, cohortMonth, trade) };
    }
    case 'SpendPlanned': {
      const cohortMonth = storedMonth(event.data.cohort_month);
      const spend: Spend = {
        cohortMonth,
        plannedCents: storedCents(event.data.planned_spend),
        // Re-planning keeps a reported actual: effective spend stays the actual.
        actualCents: state.spends.get(cohortMonth)?.actualCents ?? null,
      };
      return { ...state, spends: withEntry(state.spends, cohortMonth, spend) };
    }
    case 'SpendActualReported': {
      const cohortMonth = storedMonth(event.data.cohort_month);
      const spend: Spend = {
        cohortMonth,
        // The decider requires a plan first; 0 only keeps a hand-edited log loadable.
        plannedCents: state.spends.get(cohortMonth)?.plannedCents ?? 0,
        actualCents: storedCents(event.data.actual_spend),
      };
      return { ...state, spends: withEntry(state.spends, cohortMonth, spend) };
    }
    case 'ThresholdSet': {
      const threshold: Threshold = {
        paymentPeriod: event.data.payment_period_month,
        minimumPaymentPercent: storedRatio(event.data.minimum_payment_percent),
      };
      return {
        ...state,
        thresholds: withEntry(state.thresholds, threshold.paymentPeriod, threshold),
      };
    }
    case 'ThresholdRemoved':
      return {
        ...state,
        thresholds: withoutEntry(state.thresholds, event.data.payment_period_month),
      };
    case 'ThresholdOverridden': {
      const override: ThresholdOverride = {
        cohortMonth: storedMonth(event.data.cohort_month),
        paymentPeriod: event.data.payment_period_month,
        reason: event.data.reason,
      };
      const key = overrideKey(override.cohortMonth, override.paymentPeriod);
      return { ...state, overrides: withEntry(state.overrides, key, override) };
    }
    case 'ThresholdOverrideRevoked': {
      const key = overrideKey(
        storedMonth(event.data.cohort_month),
        event.data.payment_period_month,
      );
      return { ...state, overrides: withoutEntry(state.overrides, key) };
    }
    case 'PredictionAssumptionsSet': {
      const assumptions: PredictionAssumptions = {
        m0: storedRatio(event.data.m0),
        churn: storedRatio(event.data.churn),
      };
      return {
        ...state,
        assumptions: withEntry(state.assumptions, event.data.scenario, assumptions),
      };
    }
    case 'WebhookSecretAdded':
      return {
        ...state,
        webhookSecretIds: new Set(state.webhookSecretIds).add(event.data.secret_id),
      };
    case 'WebhookSecretRevoked': {
      const webhookSecretIds = new Set(state.webhookSecretIds);
      webhookSecretIds.delete(event.data.secret_id);
      return { ...state, webhookSecretIds };
    }
  }
}

/** The company's terms as the cashflow engine takes them, in a stable (month, period) order. */
export function companyTerms(state: CompanyState): CompanyTerms {
  const byKey = <T>(map: ReadonlyMap<number, T>): T[] =>
    [...map.entries()].sort(([a], [b]) => a - b).map(([, value]) => value);
  return {
    spends: byKey(state.spends),
    trades: byKey(state.trades),
    thresholds: byKey(state.thresholds),
    overrides: [...state.overrides.values()].sort(
      (a, b) => a.cohortMonth - b.cohortMonth || a.paymentPeriod - b.paymentPeriod,
    ),
  };
}
