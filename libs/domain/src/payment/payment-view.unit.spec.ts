import fc from 'fast-check';
import { RuleViolationError } from '../events/errors';
import { type PaymentEvent } from '../events/payment-events';
import { decidePayment } from './decide';
import { evolvePayment, initialPaymentState } from './state';
import { paymentView } from './view';

const recorded: PaymentEvent = {
  type: 'PaymentRecorded',
  data: {
    payment_id: 'p-1',
    customer_id: 'c-1',
    payment_date: '2020-01-15',
    amount: '100.00',
    source: 'api',
  },
};

describe('paymentView', () => {
  it('is null for an empty stream', () => {
    expect(paymentView([])).toBeNull();
  });

  it('folds recording, refunds, a correction and a void', () => {
    expect(
      paymentView([
        recorded,
        { type: 'PaymentRefunded', data: { payment_id: 'p-1', refund_id: 'r-1', amount: '10.00' } },
        { type: 'PaymentRefunded', data: { payment_id: 'p-1', refund_id: 'r-2', amount: '5.50' } },
        {
          type: 'PaymentCorrected',
          data: {
            payment_id: 'p-1',
            customer_id: 'c-2',
            payment_date: '2019-12-31',
            amount: '90.00',
          },
        },
        { type: 'PaymentVoided', data: { payment_id: 'p-1', reason: 'duplicate' } },
      ]),
    ).toEqual({
      paymentId: 'p-1',
      currency: 'USD',
      customerId: 'c-2',
      paymentDate: '2019-12-31',
      amountCents: 9000,
      refundedCents: 1550,
      disputedCents: 0,
      voided: true,
    });
  });

  it('puts a reversed refund and a reinstated chargeback back on the net', () => {
    const view = paymentView([
      recorded,
      { type: 'PaymentRefunded', data: { payment_id: 'p-1', refund_id: 'r-1', amount: '25.00' } },
      {
        type: 'PaymentRefundReversed',
        data: { payment_id: 'p-1', refund_id: 'r-1', amount: '25.00', reason: 'failed' },
      },
      { type: 'PaymentDisputed', data: { payment_id: 'p-1', dispute_id: 'dp-1', amount: '40.00' } },
      { type: 'PaymentDisputed', data: { payment_id: 'p-1', dispute_id: 'dp-2', amount: '7.00' } },
      {
        type: 'PaymentDisputeReinstated',
        data: { payment_id: 'p-1', dispute_id: 'dp-1', amount: '40.00' },
      },
    ]);
    expect(view).toMatchObject({ refundedCents: 0, disputedCents: 700 });
  });

  it('calls a stream corrupt when it does not start with PaymentRecorded or records twice', () => {
    expect(() =>
      paymentView([{ type: 'PaymentVoided', data: { payment_id: 'p-1', reason: 'x' } }]),
    ).toThrow('PaymentVoided before PaymentRecorded');
    expect(() => paymentView([recorded, recorded])).toThrow('PaymentRecorded twice');
  });
});

describe('refund invariant', () => {
  it('never lets refunds exceed the payment, whatever sequence of refunds is asked for', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.array(fc.integer({ min: 1, max: 40_000 }), { maxLength: 12 }),
        (amountCents, refundCents) => {
          const start: PaymentEvent = {
            type: 'PaymentRecorded',
            data: {
              ...recorded.data,
              amount: (amountCents / 100).toFixed(2),
            },
          };
          let state = evolvePayment(initialPaymentState, start);
          const events: PaymentEvent[] = [start];
          refundCents.forEach((cents, i) => {
            try {
              const decided = decidePayment(
                {
                  type: 'RefundPayment',
                  data: {
                    payment_id: 'p-1',
                    refund_id: `r-${i}`,
                    amount: (cents / 100).toFixed(2),
                  },
                },
                state,
              );
              events.push(...decided);
              state = decided.reduce(evolvePayment, state);
            } catch (error) {
              expect(error).toBeInstanceOf(RuleViolationError);
            }
          });
          const view = paymentView(events);
          expect(view?.refundedCents).toBeLessThanOrEqual(amountCents);
          // Greedy acceptance: a refund is refused only when it would overshoot.
          let expected = 0;
          for (const cents of refundCents) if (expected + cents <= amountCents) expected += cents;
          expect(view?.refundedCents).toBe(expected);
        },
      ),
    );
  });
});
