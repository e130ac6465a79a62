import { type CompanyEvent } from '../events/company-events';
import { deciderSpecification } from '../events/decider-specification';
import { ConflictError, NotFoundError, ValidationError } from '../events/errors';
import { companyDecider } from './index';

const given = deciderSpecification(companyDecider);

const registered: CompanyEvent = {
  type: 'CompanyRegistered',
  data: { name: 'Acme', currency: 'USD', timezone: 'UTC' },
};
const trade2020_01: CompanyEvent = {
  type: 'TradeCreated',
  data: { cohort_month: '2020-01-01', sharing_percentage: '0.8', cash_cap: '500.00' },
};
const planned2020_01: CompanyEvent = {
  type: 'SpendPlanned',
  data: { cohort_month: '2020-01-01', planned_spend: '1000.00' },
};

const issuesOf = (fields: string[]) => (error: ValidationError) =>
  expect(error.issues.map((issue) => issue.field)).toEqual(fields);

describe('company registration', () => {
  it('registers a company with a trimmed name', () => {
    given([])
      .when({ type: 'RegisterCompany', data: { name: '  Acme ' } })
      .then([registered]);
  });

  it('refuses to register twice', () => {
    given([registered])
      .when({ type: 'RegisterCompany', data: { name: 'Acme' } })
      .thenThrows(ConflictError);
  });

  it('registers a currency and a time zone, defaulting to USD and UTC', () => {
    given([])
      .when({
        type: 'RegisterCompany',
        data: { name: 'Gesellschaft', currency: 'EUR', timezone: 'Europe/Berlin' },
      })
      .then([
        {
          type: 'CompanyRegistered',
          data: { name: 'Gesellschaft', currency: 'EUR', timezone: 'Europe/Berlin' },
        },
      ]);
  });

  it("registers JPY and KWD companies, whose terms are read at their currency's scale", () => {
    const registered = (currency: string): CompanyEvent => ({
      type: 'CompanyRegistered',
      data: { name: 'Far', currency, timezone: 'UTC' },
    });
    given([])
      .when({ type: 'RegisterCompany', data: { name: 'Far', currency: 'JPY' } })
      .then([registered('JPY')]);
    given([registered('JPY')])
      .when({ type: 'PlanSpend', data: { cohort_month: '2024-01', planned_spend: '150000' } })
      .then([
        { type: 'SpendPlanned', data: { cohort_month: '2024-01-01', planned_spend: '150000' } },
      ]);
    given([registered('JPY')])
      .when({ type: 'PlanSpend', data: { cohort_month: '2024-01', planned_spend: '1.5' } })
      .thenThrows(ValidationError, issuesOf(['planned_spend']));
    given([registered('KWD')])
      .when({
        type: 'CreateTrade',
        data: { cohort_month: '2024-01', sharing_percentage: '0.5', cash_cap: '1500.25' },
      })
      .then([
        {
          type: 'TradeCreated',
          data: { cohort_month: '2024-01-01', sharing_percentage: '0.5', cash_cap: '1500.250' },
        },
      ]);
  });

  it('refuses an unknown currency or time zone, naming each', () => {
    given([])
      .when({
        type: 'RegisterCompany',
        data: { name: 'Acme', currency: 'usd', timezone: 'Mars/Olympus' },
      })
      .thenThrows(ValidationError, issuesOf(['currency', 'timezone']));
    given([])
      .when({ type: 'RegisterCompany', data: { name: 'Acme', currency: 'XYZ', timezone: 'UTC' } })
      .thenThrows(ValidationError, issuesOf(['currency']));
  });

  it('refuses an empty or overlong name', () => {
    given([])
      .when({ type: 'RegisterCompany', data: { name: ' ' } })
      .thenThrows(ValidationError, issuesOf(['name']));
    given([])
      .when({ type: 'RegisterCompany', data: { name: 'x'.repeat(201) } })
      .thenThrows(ValidationError, issuesOf(['name']));
  });

  it('renames, and renaming to the same name changes nothing', () => {
    given([registered])
      .when({ type: 'RenameCompany', data: { name: 'Acme Inc' } })
      .then([{ type: 'CompanyRenamed', data: { name: 'Acme Inc' } }]);
    given([registered])
      .when({ type: 'RenameCompany', data: { name: 'Acme' } })
      .thenNothing();
  });

  it('refuses every command but RegisterCompany on an unregistered company', () => {
    const commands = [
      { type: 'RenameCompany', data: { name: 'x' } },
      {
        type: 'CreateTrade',
        data: { cohort_month: '2020-01', sharing_percentage: '0.5', cash_cap: '1' },
      },
      {
        type: 'AmendTrade',
        data: { cohort_month: '2020-01', sharing_percentage: '0.5', cash_cap: '1' },
      },
      { type: 'PlanSpend', data: { cohort_month: '2020-01', planned_spend: '1' } },
      { type: 'ReportActualSpend', data: { cohort_month: '2020-01', actual_spend: '1' } },
      { type: 'SetThreshold', data: { payment_period_month: 1, minimum_payment_percent: '0.25' } },
      { type: 'RemoveThreshold', data: { payment_period_month: 1 } },
      {
        type: 'OverrideThreshold',
        data: { cohort_month: '2020-01', payment_period_month: 1, reason: 'r' },
      },
      {
        type: 'RevokeThresholdOverride',
        data: { cohort_month: '2020-01', payment_period_month: 1 },
      },
      { type: 'SetPredictionAssumptions', data: { scenario: 'BEST', m0: '0.4', churn: '0.1' } },
      { type: 'AddWebhookSecret', data: { secret_id: 's1' } },
      { type: 'RevokeWebhookSecret', data: { secret_id: 's1' } },
    ] as const;
    for (const command of commands) {
      given([])
        .when(command)
        .thenThrows(NotFoundError, (error) => expect(error.resource).toBe('company'));
    }
  });
});

describe('trades', () => {
  it('creates a trade in canonical wire form, its sharing percentage as entered', () => {
    given([registered])
      .when({
        type: 'CreateTrade',
        data: { cohort_month: '2020-01', sharing_percentage: '0.8', cash_cap: '500' },
      })
      .then([trade2020_01]);
    given([registered])
      .when({
        type: 'CreateTrade',
        data: { cohort_month: '2020-01', sharing_percentage: '0.80', cash_cap: '500' },
      })
      .then([{ ...trade2020_01, data: { ...trade2020_01.data, sharing_percentage: '0.80' } }]);
  });

  it('allows a sharing percentage of exactly 1', () => {
    given([registered])
      .when({
        type: 'CreateTrade',
        data: { cohort_month: '2020-02-01', sharing_percentage: '1', cash_cap: '0.01' },
      })
      .then([
        {
          type: 'TradeCreated',
          data: { cohort_month: '2020-02-01', sharing_percentage: '1', cash_cap: '0.01' },
        },
      ]);
  });

  it('refuses a second trade for the same cohort month, even with identical terms', () => {
    given([registered, trade2020_01])
      .when({
        type: 'CreateTrade',
        data: { cohort_month: '2020-01-01', sharing_percentage: '0.8', cash_cap: '500' },
      })
      .thenThrows(ConflictError, (error) =>
        expect(error.key).toEqual({ cohort_month: '2020-01-01' }),
      );
  });

  it.each([
    ['0', 'sharing_percentage'],
    ['1.0001', 'sharing_percentage'],
    ['-0.5', 'sharing_percentage'],
    ['abc', 'sharing_percentage'],
  ])('refuses sharing_percentage %s', (sharing_percentage, field) => {
    given([registered])
      .when({
        type: 'CreateTrade',
        data: { cohort_month: '2020-01', sharing_percentage, cash_cap: '500' },
      })
      .thenThrows(ValidationError, issuesOf([field]));
  });

  it.each(['0', '0.00', '-1', '1.234', ''])('refuses cash_cap %j', (cash_cap) => {
    given([registered])
      .when({
        type: 'CreateTrade',
        data: { cohort_month: '2020-01', sharing_percentage: '0.5', cash_cap },
      })
      .thenThrows(ValidationError, issuesOf(['cash_cap']));
  });

  it('names every bad field at once', () => {
    given([registered])
      .when({
        type: 'CreateTrade',
        data: { cohort_month: 'Jan', sharing_percentage: '2', cash_cap: '0' },
      })
      .thenThrows(ValidationError, issuesOf(['cohort_month', 'sharing_percentage', 'cash_cap']));
  });

  it('amends an existing trade with the complete new terms', () => {
    given([registered, trade2020_01])
      .when({
        type: 'AmendTrade',
        data: { cohort_month: '2020-01-01', sharing_percentage: '0.5', cash_cap: '500' },
      })
      .then([
        {
          type: 'TradeAmended',
          data: { cohort_month: '2020-01-01', sharing_percentage: '0.5', cash_cap: '500.00' },
        },
      ]);
  });

  it('treats an amendment to identical terms as a no-op', () => {
    given([registered, trade2020_01])
      .when({
        type: 'AmendTrade',
        data: { cohort_month: '2020-01', sharing_percentage: '0.800', cash_cap: '500.0' },
      })
      .thenNothing();
  });

  it('refuses to amend a trade that does not exist', () => {
    given([registered, trade2020_01])
      .when({
        type: 'AmendTrade',
        data: { cohort_month: '2020-02', sharing_percentage: '0.5', cash_cap: '1' },
      })
      .thenThrows(NotFoundError, (error) =>
        expect(error.message).toBe('trade (cohort_month 2020-02-01) not found'),
      );
  });
});

describe('spend', () => {
  it('plans spend, zero included', () => {
    given([registered])
      .when({ type: 'PlanSpend', data: { cohort_month: '2020-01-01', planned_spend: '1000' } })
      .then([planned2020_01]);
    given([registered])
      .when({ type: 'PlanSpend', data: { cohort_month: '2020-03', planned_spend: '0' } })
      .then([
        { type: 'SpendPlanned', data: { cohort_month: '2020-03-01', planned_spend: '0.00' } },
      ]);
  });

  it('replans to a new value, and the same value changes nothing', () => {
    given([registered, planned2020_01])
      .when({ type: 'PlanSpend', data: { cohort_month: '2020-01', planned_spend: '1200.5' } })
      .then([
        { type: 'SpendPlanned', data: { cohort_month: '2020-01-01', planned_spend: '1200.50' } },
      ]);
    given([registered, planned2020_01])
      .when({ type: 'PlanSpend', data: { cohort_month: '2020-01', planned_spend: '1000.00' } })
      .thenNothing();
  });

  it.each(['-1', '1.001', 'lots'])('refuses planned_spend %s', (planned_spend) => {
    given([registered])
      .when({ type: 'PlanSpend', data: { cohort_month: '2020-01', planned_spend } })
      .thenThrows(ValidationError, issuesOf(['planned_spend']));
  });

  it('reports actual spend for a planned month; the same actual again changes nothing', () => {
    const reported: CompanyEvent = {
      type: 'SpendActualReported',
      data: { cohort_month: '2020-01-01', actual_spend: '950.00' },
    };
    given([registered, planned2020_01])
      .when({ type: 'ReportActualSpend', data: { cohort_month: '2020-01', actual_spend: '950' } })
      .then([reported]);
    given([registered, planned2020_01, reported])
      .when({ type: 'ReportActualSpend', data: { cohort_month: '2020-01', actual_spend: '950' } })
      .thenNothing();
  });

  it('refuses an actual spend for a month without planned spend', () => {
    given([registered])
      .when({ type: 'ReportActualSpend', data: { cohort_month: '2020-01', actual_spend: '950' } })
      .thenThrows(NotFoundError, (error) => expect(error.resource).toBe('spend'));
  });

  it('refuses a negative actual spend', () => {
    given([registered, planned2020_01])
      .when({ type: 'ReportActualSpend', data: { cohort_month: '2020-01', actual_spend: '-5' } })
      .thenThrows(ValidationError, issuesOf(['actual_spend']));
  });
});
