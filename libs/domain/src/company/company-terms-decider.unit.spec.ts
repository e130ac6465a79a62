import { type CompanyEvent } from '../events/company-events';
import { deciderSpecification } from '../events/decider-specification';
import { ConflictError, NotFoundError, ValidationError } from '../events/errors';
import { companyDecider } from './index';

const given = deciderSpecification(companyDecider);

const registered: CompanyEvent = {
  type: 'CompanyRegistered',
  data: { name: 'Acme', currency: 'USD', timezone: 'UTC' },
};
const threshold1: CompanyEvent = {
  type: 'ThresholdSet',
  data: { payment_period_month: 1, minimum_payment_percent: '0.25' },
};
const override: CompanyEvent = {
  type: 'ThresholdOverridden',
  data: { cohort_month: '2020-01-01', payment_period_month: 1, reason: 'late invoice batch' },
};
const secretAdded: CompanyEvent = { type: 'WebhookSecretAdded', data: { secret_id: 'whsec-1' } };

const issuesOf = (fields: string[]) => (error: ValidationError) =>
  expect(error.issues.map((issue) => issue.field)).toEqual(fields);

describe('thresholds', () => {
  it('sets a threshold for a period, bounds 0 and 1 included', () => {
    given([registered])
      .when({
        type: 'SetThreshold',
        data: { payment_period_month: 1, minimum_payment_percent: '0.25' },
      })
      .then([threshold1]);
    given([registered])
      .when({
        type: 'SetThreshold',
        data: { payment_period_month: 0, minimum_payment_percent: '0' },
      })
      .then([
        { type: 'ThresholdSet', data: { payment_period_month: 0, minimum_payment_percent: '0' } },
      ]);
    given([registered])
      .when({
        type: 'SetThreshold',
        data: { payment_period_month: 2, minimum_payment_percent: '1' },
      })
      .then([
        { type: 'ThresholdSet', data: { payment_period_month: 2, minimum_payment_percent: '1' } },
      ]);
  });

  it('replaces the threshold of a period that has one (one per period)', () => {
    given([registered, threshold1])
      .when({
        type: 'SetThreshold',
        data: { payment_period_month: 1, minimum_payment_percent: '0.3' },
      })
      .then([
        { type: 'ThresholdSet', data: { payment_period_month: 1, minimum_payment_percent: '0.3' } },
      ]);
  });

  it('treats setting the same minimum again as a no-op', () => {
    given([registered, threshold1])
      .when({
        type: 'SetThreshold',
        data: { payment_period_month: 1, minimum_payment_percent: '0.25' },
      })
      .thenNothing();
  });

  it.each([-1, 1.5])('refuses period %s', (payment_period_month) => {
    given([registered])
      .when({
        type: 'SetThreshold',
        data: { payment_period_month, minimum_payment_percent: '0.1' },
      })
      .thenThrows(ValidationError, issuesOf(['payment_period_month']));
  });

  it.each(['-0.1', '1.01', 'x'])('refuses minimum %s', (minimum_payment_percent) => {
    given([registered])
      .when({ type: 'SetThreshold', data: { payment_period_month: 1, minimum_payment_percent } })
      .thenThrows(ValidationError, issuesOf(['minimum_payment_percent']));
  });

  it('removes a threshold, and refuses to remove a missing one', () => {
    given([registered, threshold1])
      .when({ type: 'RemoveThreshold', data: { payment_period_month: 1 } })
      .then([{ type: 'ThresholdRemoved', data: { payment_period_month: 1 } }]);
    given([registered, threshold1])
      .when({ type: 'RemoveThreshold', data: { payment_period_month: 2 } })
      .thenThrows(NotFoundError, (error) => expect(error.key).toEqual({ payment_period_month: 2 }));
  });

  it('refuses to remove a threshold already removed', () => {
    given([registered, threshold1, { type: 'ThresholdRemoved', data: { payment_period_month: 1 } }])
      .when({ type: 'RemoveThreshold', data: { payment_period_month: 1 } })
      .thenThrows(NotFoundError);
  });
});

describe('threshold overrides', () => {
  it('waives one period of one cohort with a trimmed reason', () => {
    given([registered])
      .when({
        type: 'OverrideThreshold',
        data: { cohort_month: '2020-01', payment_period_month: 1, reason: ' late invoice batch ' },
      })
      .then([override]);
  });

  it.each([' ', 'x'.repeat(501)])('refuses reason %j', (reason) => {
    given([registered])
      .when({
        type: 'OverrideThreshold',
        data: { cohort_month: '2020-01', payment_period_month: 1, reason },
      })
      .thenThrows(ValidationError, issuesOf(['reason']));
  });

  it('accepts a reason of exactly 500 characters', () => {
    const reason = 'x'.repeat(500);
    given([registered])
      .when({
        type: 'OverrideThreshold',
        data: { cohort_month: '2020-01', payment_period_month: 1, reason },
      })
      .then([
        {
          type: 'ThresholdOverridden',
          data: { cohort_month: '2020-01-01', payment_period_month: 1, reason },
        },
      ]);
  });

  it('refuses a second override of the same cohort and period', () => {
    given([registered, override])
      .when({
        type: 'OverrideThreshold',
        data: { cohort_month: '2020-01-01', payment_period_month: 1, reason: 'again' },
      })
      .thenThrows(ConflictError);
  });

  it('overrides another period of the same cohort independently', () => {
    given([registered, override])
      .when({
        type: 'OverrideThreshold',
        data: { cohort_month: '2020-01-01', payment_period_month: 2, reason: 'r' },
      })
      .then([
        {
          type: 'ThresholdOverridden',
          data: { cohort_month: '2020-01-01', payment_period_month: 2, reason: 'r' },
        },
      ]);
  });

  it('revokes an override, and refuses to revoke a missing one', () => {
    given([registered, override])
      .when({
        type: 'RevokeThresholdOverride',
        data: { cohort_month: '2020-01', payment_period_month: 1 },
      })
      .then([
        {
          type: 'ThresholdOverrideRevoked',
          data: { cohort_month: '2020-01-01', payment_period_month: 1 },
        },
      ]);
    given([registered, override])
      .when({
        type: 'RevokeThresholdOverride',
        data: { cohort_month: '2020-02', payment_period_month: 1 },
      })
      .thenThrows(NotFoundError, (error) =>
        expect(error.key).toEqual({ cohort_month: '2020-02-01', payment_period_month: 1 }),
      );
  });

  it('allows a new override once the old one is revoked', () => {
    const revoked: CompanyEvent = {
      type: 'ThresholdOverrideRevoked',
      data: { cohort_month: '2020-01-01', payment_period_month: 1 },
    };
    given([registered, override, revoked])
      .when({
        type: 'OverrideThreshold',
        data: { cohort_month: '2020-01', payment_period_month: 1, reason: 'new' },
      })
      .then([
        {
          type: 'ThresholdOverridden',
          data: { cohort_month: '2020-01-01', payment_period_month: 1, reason: 'new' },
        },
      ]);
  });
});

describe('contractual ratios as entered', () => {
  it('keeps the entered text of a ratio (trimmed), so 0.250 and 1.0 are echoed as entered', () => {
    given([registered])
      .when({
        type: 'SetThreshold',
        data: { payment_period_month: 1, minimum_payment_percent: ' 0.250 ' },
      })
      .then([
        {
          type: 'ThresholdSet',
          data: { payment_period_month: 1, minimum_payment_percent: '0.250' },
        },
      ]);
    given([registered])
      .when({
        type: 'SetPredictionAssumptions',
        data: { scenario: 'BEST', m0: '0.40', churn: '0.10' },
      })
      .then([
        { type: 'PredictionAssumptionsSet', data: { scenario: 'BEST', m0: '0.40', churn: '0.10' } },
      ]);
  });

  it('compares by value: the same ratio in another spelling changes nothing', () => {
    given([registered, threshold1])
      .when({
        type: 'SetThreshold',
        data: { payment_period_month: 1, minimum_payment_percent: '0.2500' },
      })
      .thenNothing();
  });
});

describe('prediction assumptions', () => {
  const best: CompanyEvent = {
    type: 'PredictionAssumptionsSet',
    data: { scenario: 'BEST', m0: '0.4', churn: '0.1' },
  };

  it('sets assumptions per scenario; the same values again change nothing', () => {
    given([registered])
      .when({
        type: 'SetPredictionAssumptions',
        data: { scenario: 'BEST', m0: '0.4', churn: '0.1' },
      })
      .then([best]);
    given([registered, best])
      .when({
        type: 'SetPredictionAssumptions',
        data: { scenario: 'BEST', m0: '0.40', churn: '0.10' },
      })
      .thenNothing();
    given([registered, best])
      .when({
        type: 'SetPredictionAssumptions',
        data: { scenario: 'WORST', m0: '0.4', churn: '0.1' },
      })
      .then([{ ...best, data: { ...best.data, scenario: 'WORST' } }]);
  });

  it('accepts the bounds m0 = 0, churn = 0 and churn = 1, and m0 above 1', () => {
    given([registered])
      .when({
        type: 'SetPredictionAssumptions',
        data: { scenario: 'AVERAGE', m0: '0', churn: '1' },
      })
      .then([
        { type: 'PredictionAssumptionsSet', data: { scenario: 'AVERAGE', m0: '0', churn: '1' } },
      ]);
    given([registered])
      .when({
        type: 'SetPredictionAssumptions',
        data: { scenario: 'AVERAGE', m0: '2.5', churn: '0' },
      })
      .then([
        { type: 'PredictionAssumptionsSet', data: { scenario: 'AVERAGE', m0: '2.5', churn: '0' } },
      ]);
  });

  it('refuses an unknown scenario, a negative m0 and churn outside [0, 1]', () => {
    given([registered])
      .when({
        type: 'SetPredictionAssumptions',
        data: { scenario: 'best', m0: '-1', churn: '1.1' },
      })
      .thenThrows(ValidationError, issuesOf(['scenario', 'm0', 'churn']));
    given([registered])
      .when({
        type: 'SetPredictionAssumptions',
        data: { scenario: 'BEST', m0: '0.4', churn: '-0.1' },
      })
      .thenThrows(ValidationError, issuesOf(['churn']));
  });
});

describe('webhook secrets', () => {
  it('adds a secret by reference only', () => {
    given([registered])
      .when({ type: 'AddWebhookSecret', data: { secret_id: 'whsec-1' } })
      .then([secretAdded]);
  });

  it('refuses a duplicate secret id and a malformed one', () => {
    given([registered, secretAdded])
      .when({ type: 'AddWebhookSecret', data: { secret_id: 'whsec-1' } })
      .thenThrows(ConflictError);
    given([registered])
      .when({ type: 'AddWebhookSecret', data: { secret_id: 'has space' } })
      .thenThrows(ValidationError, issuesOf(['secret_id']));
  });

  it('revokes a secret, and refuses to revoke an unknown or already revoked one', () => {
    const revoked: CompanyEvent = { type: 'WebhookSecretRevoked', data: { secret_id: 'whsec-1' } };
    given([registered, secretAdded])
      .when({ type: 'RevokeWebhookSecret', data: { secret_id: 'whsec-1' } })
      .then([revoked]);
    given([registered, secretAdded, revoked])
      .when({ type: 'RevokeWebhookSecret', data: { secret_id: 'whsec-1' } })
      .thenThrows(NotFoundError);
  });
});
