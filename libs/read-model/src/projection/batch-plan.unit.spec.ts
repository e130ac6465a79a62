import { parseMonth } from '@cvf/domain';
import { companyEvent, paymentEvent, type StreamEvent, SyntheticLog } from '../testing/events';
import { planBatch } from './batch-plan';
import { decodeRecordedEvent, type ProjectedEvent } from './decode';

const jan = parseMonth('2020-01')!;
const feb = parseMonth('2020-02')!;

function decoded(events: readonly StreamEvent[]): ProjectedEvent[] {
  return new SyntheticLog().record(events).map((e) => decodeRecordedEvent(e)!);
}

const recorded = (paymentId: string, customer: string, date: string, amount: string) =>
  paymentEvent('acme', paymentId, {
    type: 'PaymentRecorded',
    data: {
      payment_id: paymentId,
      customer_id: customer,
      payment_date: date,
      amount,
      source: 'csv',
    },
  });

describe('planBatch', () => {
  it('folds a payment recorded in the batch into one insert with its refunds, correction and void', () => {
    const plan = planBatch(
      decoded([
        recorded('p1', 'c1', '2020-02-10', '100.00'),
        paymentEvent('acme', 'p1', {
          type: 'PaymentRefunded',
          data: { payment_id: 'p1', refund_id: 'r1', amount: '10.00' },
        }),
        paymentEvent('acme', 'p1', {
          type: 'PaymentCorrected',
          data: {
            payment_id: 'p1',
            customer_id: 'c2',
            payment_date: '2020-01-31',
            amount: '90.00',
          },
        }),
        paymentEvent('acme', 'p1', {
          type: 'PaymentRefunded',
          data: { payment_id: 'p1', refund_id: 'r2', amount: '5.50' },
        }),
      ]),
      new Map(),
    );
    expect(plan.paymentInserts).toEqual([
      expect.objectContaining({
        paymentId: 'p1',
        customerId: 'c2',
        paymentDate: '2020-01-31',
        paymentMonth: jan,
        amountCents: 9_000,
        refundedCents: 1_550,
        disputedCents: 0,
        voided: false,
        source: 'csv',
      }),
    ]);
    expect(plan.paymentPatches).toEqual([]);
  });

  it('turns changes to earlier payments into patches: refunds add up, the last correction wins', () => {
    const plan = planBatch(
      decoded([
        paymentEvent('acme', 'p0', {
          type: 'PaymentRefunded',
          data: { payment_id: 'p0', refund_id: 'r1', amount: '1.00' },
        }),
        paymentEvent('acme', 'p0', {
          type: 'PaymentRefunded',
          data: { payment_id: 'p0', refund_id: 'r2', amount: '2.00' },
        }),
        paymentEvent('acme', 'p0', {
          type: 'PaymentVoided',
          data: { payment_id: 'p0', reason: 'x' },
        }),
      ]),
      new Map(),
    );
    expect(plan.paymentPatches).toEqual([
      {
        companyId: 'acme',
        paymentId: 'p0',
        refundCents: 300,
        disputeCents: 0,
        correction: null,
        voided: true,
      },
    ]);
  });

  it('nets reversals, covered refunds, chargebacks and reinstatements into the patch', () => {
    const plan = planBatch(
      decoded([
        paymentEvent('acme', 'p0', {
          type: 'PaymentRefunded',
          data: { payment_id: 'p0', refund_id: 'total:5.00', amount: '5.00', unattributed: true },
        }),
        // 3.00 of this refund was the total's already: it takes 1.00 more off.
        paymentEvent('acme', 'p0', {
          type: 'PaymentRefunded',
          data: { payment_id: 'p0', refund_id: 're_1', amount: '4.00', covered: '3.00' },
        }),
        paymentEvent('acme', 'p0', {
          type: 'PaymentRefundReversed',
          data: { payment_id: 'p0', refund_id: 're_1', amount: '4.00', reason: 'failed' },
        }),
        paymentEvent('acme', 'p0', {
          type: 'PaymentDisputed',
          data: { payment_id: 'p0', dispute_id: 'dp_1', amount: '10.00' },
        }),
        paymentEvent('acme', 'p0', {
          type: 'PaymentDisputeReinstated',
          data: { payment_id: 'p0', dispute_id: 'dp_1', amount: '6.00' },
        }),
      ]),
      new Map(),
    );
    expect(plan.paymentPatches).toEqual([
      expect.objectContaining({ paymentId: 'p0', refundCents: 200, disputeCents: 400 }),
    ]);
  });

  it('skips events at or before the company position and counts the rest', () => {
    const events = decoded([
      recorded('p1', 'c1', '2020-02-10', '1.00'),
      recorded('p2', 'c1', '2020-02-11', '2.00'),
      companyEvent('other', {
        type: 'CompanyRegistered',
        data: { name: 'Other', currency: 'USD', timezone: 'UTC' },
      }),
    ]);
    const plan = planBatch(events, new Map([['acme', events[0]!.position]]));
    expect({ applied: plan.applied, skipped: plan.skipped }).toEqual({ applied: 2, skipped: 1 });
    expect(plan.paymentInserts.map((p) => p.paymentId)).toEqual(['p2']);
    expect(plan.companyPositions).toEqual(
      new Map([
        ['acme', events[1]!.position],
        ['other', events[2]!.position],
      ]),
    );
  });

  it('marks the cohort of a trade, spend or override dirty, and all cohorts for company-wide terms', () => {
    const plan = planBatch(
      decoded([
        companyEvent('acme', {
          type: 'TradeCreated',
          data: { cohort_month: '2020-01-01', sharing_percentage: '0.5', cash_cap: '1.00' },
        }),
        companyEvent('acme', {
          type: 'ThresholdOverridden',
          data: { cohort_month: '2020-02-01', payment_period_month: 2, reason: 'r' },
        }),
        companyEvent('acme', { type: 'CompanyRenamed', data: { name: 'Acme 2' } }),
        companyEvent('beta', {
          type: 'SpendActualReported',
          data: { cohort_month: '2020-02-01', actual_spend: '3.00' },
        }),
        companyEvent('beta', { type: 'ThresholdRemoved', data: { payment_period_month: 1 } }),
        companyEvent('beta', {
          type: 'SpendPlanned',
          data: { cohort_month: '2020-01-01', planned_spend: '4.00' },
        }),
      ]),
      new Map(),
    );
    expect(plan.termsDirty).toEqual(
      new Map<string, unknown>([
        ['acme', new Set([jan, feb])],
        ['beta', 'all'],
      ]),
    );
    expect([...plan.spends.values()]).toEqual([
      { companyId: 'beta', cohortMonth: feb, plannedCents: null, actualCents: 300 },
      { companyId: 'beta', cohortMonth: jan, plannedCents: 400, actualCents: null },
    ]);
    expect(plan.companies.get('acme')).toEqual({
      companyId: 'acme',
      name: 'Acme 2',
      registeredAt: null,
      currency: null,
      timezone: null,
    });
  });

  it('refuses a payment recorded twice: the log is corrupt', () => {
    const events = [
      recorded('p1', 'c1', '2020-02-10', '1.00'),
      recorded('p1', 'c1', '2020-02-10', '1.00'),
    ];
    expect(() => planBatch(decoded(events), new Map())).toThrow('recorded twice');
  });
});

describe('decodeRecordedEvent', () => {
  it('takes the company from the stream id and ignores other streams', () => {
    const [payment, company] = new SyntheticLog().record([
      recorded('p1', 'c1', '2020-02-10', '1.00'),
      companyEvent('acme-eu', {
        type: 'CompanyRegistered',
        data: { name: 'A', currency: 'USD', timezone: 'UTC' },
      }),
    ]);
    expect(decodeRecordedEvent(payment!)).toMatchObject({ companyId: 'acme', paymentId: 'p1' });
    expect(decodeRecordedEvent(company!)).toMatchObject({
      companyId: 'acme-eu',
      stream: 'company',
    });
    expect(decodeRecordedEvent({ ...company!, streamId: 'audit-7' })).toBeNull();
    expect(() => decodeRecordedEvent({ ...company!, streamId: 'payment-acme-p9' })).toThrow(
      'log corrupt',
    );
  });
});
