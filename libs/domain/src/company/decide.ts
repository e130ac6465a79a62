import { SCENARIOS } from '../engine/terms';
import { type CompanyEvent } from '../events/company-events';
import { ConflictError, NotFoundError } from '../events/errors';
import {
  churn,
  currency,
  entityId,
  m0,
  minimumPaymentPercent,
  money,
  month,
  oneOf,
  optional,
  period,
  sharingPercentage,
  text,
  timeZone,
  validateFields,
} from '../events/wire';
import { currencyExponent, DEFAULT_CURRENCY, DEFAULT_TIME_ZONE } from '../shared/locale';
import { formatCents, formatTermRatio } from '../shared/money';
import { formatMonth } from '../shared/month';
import {
  type AmendTrade,
  type CompanyCommand,
  type CreateTrade,
  type OverrideThreshold,
  type PlanSpend,
  type ReportActualSpend,
  type SetPredictionAssumptions,
  type SetThreshold,
} from './commands';
import { type CompanyState, overrideKey } from './state';

/**
 * The company decider (DOMAIN.md "Inputs"). Order of checks: input first (400, independent of
 * state), then existence (404/409), then rules. Choices where DOMAIN.md is silent:
 * - "Create" commands (RegisterCompany, CreateTrade, OverrideThreshold, AddWebhookSecret)
 *   conflict when the thing exists, even with identical data; retried requests are the
 *   Idempotency-Key layer's job, and a second create is otherwise a caller's mistake.
 * - "Set" commands (RenameCompany, AmendTrade, PlanSpend, ReportActualSpend, SetThreshold,
 *   SetPredictionAssumptions) replace the current value and return [] when nothing changes.
 * - Remove/revoke of something absent is NotFoundError.
 */

export const COMPANY_NAME_MAX = 200;
export const OVERRIDE_REASON_MAX = 500;

/** Digits of the company's minor unit: amounts are parsed and stored at its currency's scale. */
const exponentOf = (state: CompanyState): number => currencyExponent(state.currency);

function requireRegistered(state: CompanyState): void {
  if (!state.registered) throw new NotFoundError('company');
}

function tradeTerms(command: CreateTrade | AmendTrade, state: CompanyState) {
  return validateFields({
    cohort_month: month(command.data.cohort_month),
    sharing_percentage: sharingPercentage(command.data.sharing_percentage),
    cash_cap: money(command.data.cash_cap, 'positive', exponentOf(state)),
  });
}

function createTrade(command: CreateTrade, state: CompanyState): CompanyEvent[] {
  const terms = tradeTerms(command, state);
  requireRegistered(state);
  const cohortMonth = formatMonth(terms.cohort_month);
  if (state.trades.has(terms.cohort_month)) {
    throw new ConflictError('trade', { cohort_month: cohortMonth }, 'already exists; amend it');
  }
  const data = {
    cohort_month: cohortMonth,
    sharing_percentage: formatTermRatio(terms.sharing_percentage),
    cash_cap: formatCents(terms.cash_cap, exponentOf(state)),
  };
  return [{ type: 'TradeCreated', data }];
}

function amendTrade(command: AmendTrade, state: CompanyState): CompanyEvent[] {
  const terms = tradeTerms(command, state);
  requireRegistered(state);
  const cohortMonth = formatMonth(terms.cohort_month);
  const current = state.trades.get(terms.cohort_month);
  if (!current) throw new NotFoundError('trade', { cohort_month: cohortMonth });
  if (
    current.sharingPercentage.eq(terms.sharing_percentage) &&
    current.cashCapCents === terms.cash_cap
  ) {
    return [];
  }
  const data = {
    cohort_month: cohortMonth,
    sharing_percentage: formatTermRatio(terms.sharing_percentage),
    cash_cap: formatCents(terms.cash_cap, exponentOf(state)),
  };
  return [{ type: 'TradeAmended', data }];
}

function planSpend(command: PlanSpend, state: CompanyState): CompanyEvent[] {
  const input = validateFields({
    cohort_month: month(command.data.cohort_month),
    planned_spend: money(command.data.planned_spend, 'non-negative', exponentOf(state)),
  });
  requireRegistered(state);
  if (state.spends.get(input.cohort_month)?.plannedCents === input.planned_spend) return [];
  const data = {
    cohort_month: formatMonth(input.cohort_month),
    planned_spend: formatCents(input.planned_spend, exponentOf(state)),
  };
  return [{ type: 'SpendPlanned', data }];
}

/** An actual needs a planned spend first: DOMAIN.md's spend row has planned_spend required. */
function reportActualSpend(command: ReportActualSpend, state: CompanyState): CompanyEvent[] {
  const input = validateFields({
    cohort_month: month(command.data.cohort_month),
    actual_spend: money(command.data.actual_spend, 'non-negative', exponentOf(state)),
  });
  requireRegistered(state);
  const cohortMonth = formatMonth(input.cohort_month);
  const spend = state.spends.get(input.cohort_month);
  if (!spend) throw new NotFoundError('spend', { cohort_month: cohortMonth });
  if (spend.actualCents === input.actual_spend) return [];
  const data = {
    cohort_month: cohortMonth,
    actual_spend: formatCents(input.actual_spend, exponentOf(state)),
  };
  return [{ type: 'SpendActualReported', data }];
}

/** At most one threshold per period: setting an existing period replaces its minimum. */
function setThreshold(command: SetThreshold, state: CompanyState): CompanyEvent[] {
  const input = validateFields({
    payment_period_month: period(command.data.payment_period_month),
    minimum_payment_percent: minimumPaymentPercent(command.data.minimum_payment_percent),
  });
  requireRegistered(state);
  const current = state.thresholds.get(input.payment_period_month);
  if (current?.minimumPaymentPercent.eq(input.minimum_payment_percent)) return [];
  const data = {
    payment_period_month: input.payment_period_month,
    minimum_payment_percent: formatTermRatio(input.minimum_payment_percent),
  };
  return [{ type: 'ThresholdSet', data }];
}

function overrideThreshold(command: OverrideThreshold, state: CompanyState): CompanyEvent[] {
  const input = validateFields({
    cohort_month: month(command.data.cohort_month),
    payment_period_month: period(command.data.payment_period_month),
    reason: text(command.data.reason, OVERRIDE_REASON_MAX),
  });
  requireRegistered(state);
  const key = {
    cohort_month: formatMonth(input.cohort_month),
    payment_period_month: input.payment_period_month,
  };
  if (state.overrides.has(overrideKey(input.cohort_month, input.payment_period_month))) {
    throw new ConflictError('threshold override', key, 'already exists; revoke it first');
  }
  return [{ type: 'ThresholdOverridden', data: { ...key, reason: input.reason } }];
}

function setPredictionAssumptions(
  command: SetPredictionAssumptions,
  state: CompanyState,
): CompanyEvent[] {
  const input = validateFields({
    scenario: oneOf(command.data.scenario, SCENARIOS),
    m0: m0(command.data.m0),
    churn: churn(command.data.churn),
  });
  requireRegistered(state);
  const current = state.assumptions.get(input.scenario);
  if (current?.m0.eq(input.m0) === true && current.churn.eq(input.churn)) return [];
  const data = {
    scenario: input.scenario,
    m0: formatTermRatio(input.m0),
    churn: formatTermRatio(input.churn),
  };
  return [{ type: 'PredictionAssumptionsSet', data }];
}

export function decideCompany(command: CompanyCommand, state: CompanyState): CompanyEvent[] {
  switch (command.type) {
    case 'RegisterCompany': {
      const data = validateFields({
        name: text(command.data.name, COMPANY_NAME_MAX),
        currency: optional(command.data.currency, currency),
        timezone: optional(command.data.timezone, timeZone),
      });
      if (state.registered) throw new ConflictError('company', {}, 'is already registered');
      return [
        {
          type: 'CompanyRegistered',
          data: {
            name: data.name,
            currency: data.currency ?? DEFAULT_CURRENCY,
            timezone: data.timezone ?? DEFAULT_TIME_ZONE,
          },
        },
      ];
    }
    case 'RenameCompany': {
      const { name } = validateFields({ name: text(command.data.name, COMPANY_NAME_MAX) });
      requireRegistered(state);
      return name === state.name ? [] : [{ type: 'CompanyRenamed', data: { name } }];
    }
    case 'CreateTrade':
      return createTrade(command, state);
    case 'AmendTrade':
      return amendTrade(command, state);
    case 'PlanSpend':
      return planSpend(command, state);
    case 'ReportActualSpend':
      return reportActualSpend(command, state);
    case 'SetThreshold':
      return setThreshold(command, state);
    case 'RemoveThreshold': {
      const input = validateFields({
        payment_period_month: period(command.data.payment_period_month),
      });
      requireRegistered(state);
      if (!state.thresholds.has(input.payment_period_month)) {
        throw new NotFoundError('threshold', input);
      }
      return [{ type: 'ThresholdRemoved', data: input }];
    }
    case 'OverrideThreshold':
      return overrideThreshold(command, state);
    case 'RevokeThresholdOverride': {
      const input = validateFields({
        cohort_month: month(command.data.cohort_month),
        payment_period_month: period(command.data.payment_period_month),
      });
      requireRegistered(state);
      const data = {
        cohort_month: formatMonth(input.cohort_month),
        payment_period_month: input.payment_period_month,
      };
      if (!state.overrides.has(overrideKey(input.cohort_month, input.payment_period_month))) {
        throw new NotFoundError('threshold override', data);
      }
      return [{ type: 'ThresholdOverrideRevoked', data }];
    }
    case 'SetPredictionAssumptions':
      return setPredictionAssumptions(command, state);
    case 'AddWebhookSecret': {
      const input = validateFields({ secret_id: entityId(command.data.secret_id) });
      requireRegistered(state);
      if (state.webhookSecretIds.has(input.secret_id)) {
        throw new ConflictError('webhook secret', input, 'already exists');
      }
      return [{ type: 'WebhookSecretAdded', data: input }];
    }
    case 'RevokeWebhookSecret': {
      const input = validateFields({ secret_id: entityId(command.data.secret_id) });
      requireRegistered(state);
      if (!state.webhookSecretIds.has(input.secret_id)) {
        throw new NotFoundError('webhook secret', input);
      }
      return [{ type: 'WebhookSecretRevoked', data: input }];
    }
  }
}
