import { type CompanyEvent } from '@cvf/domain';
import { companyEvent, paymentEvents, type StreamEvent } from './events';

/** Every kind of terms event, with re-plans, amendments and removals, for one company. */
export function termsHistory(companyId: string): StreamEvent[] {
  const events: CompanyEvent[] = [
    { type: 'CompanyRegistered', data: { name: 'Acme', currency: 'USD', timezone: 'UTC' } },
    { type: 'SpendPlanned', data: { cohort_month: '2020-01-01', planned_spend: '1000.00' } },
    { type: 'SpendPlanned', data: { cohort_month: '2020-02-01', planned_spend: '1000.00' } },
    { type: 'SpendActualReported', data: { cohort_month: '2020-01-01', actual_spend: '900.50' } },
    { type: 'SpendPlanned', data: { cohort_month: '2020-01-01', planned_spend: '1200.00' } },
    { type: 'SpendActualReported', data: { cohort_month: '2020-04-01', actual_spend: '10.00' } },
    {
      type: 'TradeCreated',
      data: { cohort_month: '2020-01-01', sharing_percentage: '0.80', cash_cap: '500.00' },
    },
    {
      type: 'TradeCreated',
      data: { cohort_month: '2020-02-01', sharing_percentage: '0.8', cash_cap: '400.00' },
    },
    {
      type: 'TradeAmended',
      data: { cohort_month: '2020-02-01', sharing_percentage: '0.75', cash_cap: '450.00' },
    },
    { type: 'ThresholdSet', data: { payment_period_month: 1, minimum_payment_percent: '0.25' } },
    { type: 'ThresholdSet', data: { payment_period_month: 3, minimum_payment_percent: '0.1' } },
    { type: 'ThresholdRemoved', data: { payment_period_month: 3 } },
    {
      type: 'ThresholdOverridden',
      data: { cohort_month: '2020-01-01', payment_period_month: 1, reason: 'waived once' },
    },
    {
      type: 'ThresholdOverridden',
      data: { cohort_month: '2020-02-01', payment_period_month: 1, reason: 'revoked later' },
    },
    {
      type: 'ThresholdOverrideRevoked',
      data: { cohort_month: '2020-02-01', payment_period_month: 1 },
    },
    { type: 'PredictionAssumptionsSet', data: { scenario: 'BEST', m0: '0.4', churn: '0.1' } },
    { type: 'PredictionAssumptionsSet', data: { scenario: 'WORST', m0: '0.2', churn: '0.30' } },
    { type: 'PredictionAssumptionsSet', data: { scenario: 'BEST', m0: '0.45', churn: '0.1' } },
    { type: 'WebhookSecretAdded', data: { secret_id: 'sec_1' } },
    { type: 'CompanyRenamed', data: { name: 'Acme Ltd' } },
  ];
  return events.map((event) => companyEvent(companyId, event));
}

/**
 * A deterministic mixed history: terms, then payments of `customers` customers with
 * backfills, refunds, corrections and voids, interleaved.
 */
export function companyHistory(
  companyId: string,
  customers: number,
  payments: number,
): StreamEvent[] {
  let seed = companyId.length * 7919 + customers;
  const next = (n: number): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  const ops = Array.from({ length: payments }, (_, i) => {
    const roll = next(10);
    if (roll < 6 || i < 3) {
      return {
        kind: 'record' as const,
        customer: next(customers),
        month: next(12),
        day: 1 + next(28),
        cents: next(100_000),
      };
    }
    if (roll < 8) return { kind: 'refund' as const, target: next(i), cents: 1 + next(50_000) };
    if (roll < 9) {
      return {
        kind: 'correct' as const,
        target: next(i),
        customer: next(customers),
        month: next(12),
        day: 1 + next(28),
        cents: next(100_000),
      };
    }
    return { kind: 'void' as const, target: next(i) };
  });
  return [...termsHistory(companyId), ...paymentEvents(companyId, ops)];
}
