import { type CompanyEvent } from '../events/company-events';
import { companyTerms, evolveCompany, initialCompanyState, overrideKey } from './state';

const jan = 2020 * 12;
const fold = (events: CompanyEvent[]) => events.reduce(evolveCompany, initialCompanyState);

describe('evolveCompany', () => {
  it('holds the terms in the engine types', () => {
    const state = fold([
      { type: 'CompanyRegistered', data: { name: 'Acme', currency: 'USD', timezone: 'UTC' } },
      {
        type: 'TradeCreated',
        data: { cohort_month: '2020-01-01', sharing_percentage: '0.8', cash_cap: '500.00' },
      },
      {
        type: 'TradeAmended',
        data: { cohort_month: '2020-01-01', sharing_percentage: '0.5', cash_cap: '400.00' },
      },
      { type: 'SpendPlanned', data: { cohort_month: '2020-01-01', planned_spend: '1000.00' } },
      { type: 'SpendActualReported', data: { cohort_month: '2020-01-01', actual_spend: '950.00' } },
      { type: 'SpendPlanned', data: { cohort_month: '2020-01-01', planned_spend: '1100.00' } },
      { type: 'ThresholdSet', data: { payment_period_month: 1, minimum_payment_percent: '0.25' } },
      {
        type: 'ThresholdOverridden',
        data: { cohort_month: '2020-01-01', payment_period_month: 1, reason: 'r' },
      },
      { type: 'PredictionAssumptionsSet', data: { scenario: 'BEST', m0: '0.4', churn: '0.1' } },
      { type: 'WebhookSecretAdded', data: { secret_id: 's1' } },
    ]);
    expect(state.registered).toBe(true);
    expect(state.name).toBe('Acme');
    const trade = state.trades.get(jan);
    expect(trade?.sharingPercentage.toString()).toBe('0.5');
    expect(trade?.cashCapCents).toBe(40000);
    // Re-planning keeps the reported actual.
    expect(state.spends.get(jan)).toEqual({
      cohortMonth: jan,
      plannedCents: 110000,
      actualCents: 95000,
    });
    expect(state.thresholds.get(1)?.minimumPaymentPercent.toString()).toBe('0.25');
    expect(state.overrides.get(overrideKey(jan, 1))?.reason).toBe('r');
    expect(state.assumptions.get('BEST')?.churn.toString()).toBe('0.1');
    expect([...state.webhookSecretIds]).toEqual(['s1']);
  });

  it('forgets removed thresholds, revoked overrides and revoked secrets', () => {
    const state = fold([
      { type: 'ThresholdSet', data: { payment_period_month: 1, minimum_payment_percent: '0.25' } },
      { type: 'ThresholdRemoved', data: { payment_period_month: 1 } },
      {
        type: 'ThresholdOverridden',
        data: { cohort_month: '2020-01-01', payment_period_month: 1, reason: 'r' },
      },
      {
        type: 'ThresholdOverrideRevoked',
        data: { cohort_month: '2020-01-01', payment_period_month: 1 },
      },
      { type: 'WebhookSecretAdded', data: { secret_id: 's1' } },
      { type: 'WebhookSecretRevoked', data: { secret_id: 's1' } },
    ]);
    expect(state.thresholds.size).toBe(0);
    expect(state.overrides.size).toBe(0);
    expect(state.webhookSecretIds.size).toBe(0);
  });

  it('never mutates the state it is given', () => {
    const before = fold([
      { type: 'CompanyRegistered', data: { name: 'Acme', currency: 'USD', timezone: 'UTC' } },
    ]);
    evolveCompany(before, {
      type: 'SpendPlanned',
      data: { cohort_month: '2020-01-01', planned_spend: '1.00' },
    });
    expect(before.spends.size).toBe(0);
    expect(initialCompanyState.spends.size).toBe(0);
  });
});

describe('companyTerms', () => {
  it('lists the terms in month and period order, as the engine takes them', () => {
    const state = fold([
      { type: 'SpendPlanned', data: { cohort_month: '2020-03-01', planned_spend: '3.00' } },
      { type: 'SpendPlanned', data: { cohort_month: '2020-01-01', planned_spend: '1.00' } },
      { type: 'ThresholdSet', data: { payment_period_month: 3, minimum_payment_percent: '0.1' } },
      { type: 'ThresholdSet', data: { payment_period_month: 1, minimum_payment_percent: '0.2' } },
      {
        type: 'ThresholdOverridden',
        data: { cohort_month: '2020-02-01', payment_period_month: 1, reason: 'b' },
      },
      {
        type: 'ThresholdOverridden',
        data: { cohort_month: '2020-01-01', payment_period_month: 2, reason: 'a' },
      },
    ]);
    const terms = companyTerms(state);
    expect(terms.spends.map((spend) => spend.cohortMonth)).toEqual([jan, jan + 2]);
    expect(terms.thresholds.map((threshold) => threshold.paymentPeriod)).toEqual([1, 3]);
    expect(terms.overrides.map((override) => override.reason)).toEqual(['a', 'b']);
    expect(terms.trades).toEqual([]);
  });
});
