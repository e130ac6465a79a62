import { deciderSpecification, thrownBy } from '../events/decider-specification';
import {
  ConflictError,
  NotFoundError,
  RuleViolationError,
  ValidationError,
} from '../events/errors';
import { type PaymentEvent } from '../events/payment-events';
import { type RecordPayment } from './commands';
import { paymentDecider, parsePaymentFields } from './index';

const given = deciderSpecification(paymentDecider);

const record: RecordPayment = {
  type: 'RecordPayment',
  data: {
    payment_id: 'p-1',
    customer_id: 'c-1',
    payment_date: '2020-01-15',
    amount: '100',
    currency: 'USD',
    source: 'csv',
    source_ref: 'payments.csv:2',
  },
};
const recorded: PaymentEvent = {
  type: 'PaymentRecorded',
  data: {
    payment_id: 'p-1',
    customer_id: 'c-1',
    payment_date: '2020-01-15',
    amount: '100.00',
    currency: 'USD',
    source: 'csv',
    source_ref: 'payments.csv:2',
  },
};
const refunded = (refund_id: string, amount: string): PaymentEvent => ({
  type: 'PaymentRefunded',
  data: { payment_id: 'p-1', refund_id, amount },
});
const voided: PaymentEvent = { type: 'PaymentVoided', data: { payment_id: 'p-1', reason: 'test' } };
const corrected: PaymentEvent = {
  type: 'PaymentCorrected',
  data: { payment_id: 'p-1', customer_id: 'c-2', payment_date: '2020-01-20', amount: '80.00' },
};

const issuesOf = (fields: string[]) => (error: ValidationError) =>
  expect(error.issues.map((issue) => issue.field)).toEqual(fields);

describe('RecordPayment', () => {
  it('records a new payment in canonical form', () => {
    given([]).when(record).then([recorded]);
  });

  it('omits source_ref when there is none, and trims the customer id', () => {
    const { source_ref: _, ...data } = record.data;
    const { source_ref: __, ...expected } = recorded.data;
    given([])
      .when({ type: 'RecordPayment', data: { ...data, customer_id: ' c-1 ' } })
      .then([{ type: 'PaymentRecorded', data: expected }]);
  });

  it('records a payment of zero', () => {
    given([])
      .when({ ...record, data: { ...record.data, amount: '0' } })
      .then([{ type: 'PaymentRecorded', data: { ...recorded.data, amount: '0.00' } }]);
  });

  it('is a no-op when the same payment is delivered again', () => {
    given([recorded])
      .when({ ...record, data: { ...record.data, amount: '100.00' } })
      .thenNothing();
  });

  it('stays a no-op after a correction or a void (re-uploading the original file)', () => {
    given([recorded, corrected]).when(record).thenNothing();
    given([recorded, voided]).when(record).thenNothing();
  });

  it('conflicts when the same payment id arrives with different facts', () => {
    given([recorded])
      .when({ ...record, data: { ...record.data, amount: '100.01' } })
      .thenThrows(ConflictError, (error) => expect(error.key).toEqual({ payment_id: 'p-1' }));
    given([recorded])
      .when({ ...record, data: { ...record.data, customer_id: 'c-9' } })
      .thenThrows(ConflictError);
    given([recorded])
      .when({ ...record, data: { ...record.data, payment_date: '2020-01-16' } })
      .thenThrows(ConflictError);
  });

  it('refuses bad fields, naming each', () => {
    given([])
      .when({
        type: 'RecordPayment',
        data: {
          payment_id: 'p 1',
          customer_id: '',
          payment_date: '2021-02-29',
          amount: '-1',
          currency: 'USD',
          source: 'fax' as 'api',
        },
      })
      .thenThrows(
        ValidationError,
        issuesOf(['payment_id', 'customer_id', 'payment_date', 'amount', 'source']),
      );
  });

  it.each([
    ['amount', '1.234'],
    ['amount', '1,00'],
    ['customer_id', 'x'.repeat(201)],
    ['payment_date', '2020-1-5'],
    ['source_ref', ''],
  ])('refuses %s %j', (field, value) => {
    given([])
      .when({ ...record, data: { ...record.data, [field]: value } })
      .thenThrows(ValidationError, issuesOf([field]));
  });

  it('accepts a customer id of exactly 200 characters', () => {
    const customer_id = 'x'.repeat(200);
    given([])
      .when({ ...record, data: { ...record.data, customer_id } })
      .then([{ type: 'PaymentRecorded', data: { ...recorded.data, customer_id } }]);
  });
});

describe('RefundPayment', () => {
  const refund = (refund_id: string, amount: string) =>
    ({ type: 'RefundPayment', data: { payment_id: 'p-1', refund_id, amount } }) as const;

  it('refunds part of a payment, then the rest', () => {
    given([recorded])
      .when(refund('r-1', '30'))
      .then([refunded('r-1', '30.00')]);
    given([recorded, refunded('r-1', '30.00')])
      .when(refund('r-2', '70'))
      .then([refunded('r-2', '70.00')]);
  });

  it('refuses refunds totalling more than the payment', () => {
    given([recorded, refunded('r-1', '30.00')])
      .when(refund('r-2', '70.01'))
      .thenThrows(RuleViolationError, (error) => {
        expect(error.rule).toBe('refund_exceeds_payment');
        expect(error.message).toContain('100.01');
      });
  });

  it('checks the total against the corrected amount', () => {
    given([recorded, corrected]).when(refund('r-1', '80.01')).thenThrows(RuleViolationError);
    given([recorded, corrected])
      .when(refund('r-1', '80'))
      .then([refunded('r-1', '80.00')]);
  });

  it('is a no-op for a repeated refund id with the same amount, a conflict with another', () => {
    given([recorded, refunded('r-1', '30.00')])
      .when(refund('r-1', '30.0'))
      .thenNothing();
    given([recorded, refunded('r-1', '30.00')])
      .when(refund('r-1', '31'))
      .thenThrows(ConflictError);
  });

  it.each(['0', '-1', '1.001'])('refuses amount %s', (amount) => {
    given([recorded])
      .when(refund('r-1', amount))
      .thenThrows(ValidationError, issuesOf(['amount']));
  });

  it('refuses a refund of an unknown or voided payment', () => {
    given([]).when(refund('r-1', '1')).thenThrows(NotFoundError);
    given([recorded, voided])
      .when(refund('r-1', '1'))
      .thenThrows(RuleViolationError, (error) => expect(error.rule).toBe('payment_voided'));
  });
});

describe('provisional recordings (a payment intent or invoice before its charge)', () => {
  const provisional: RecordPayment = {
    type: 'RecordPayment',
    data: { ...record.data, payment_date: '2020-01-31', source: 'stripe', provisional: true },
  };
  const provisionallyRecorded: PaymentEvent = {
    type: 'PaymentRecorded',
    data: { ...recorded.data, payment_date: '2020-01-31', source: 'stripe', provisional: true },
  };
  const charge: RecordPayment = {
    type: 'RecordPayment',
    data: { ...record.data, payment_date: '2020-02-01', source: 'stripe' },
  };

  it('the charge corrects provisional facts to its own, once', () => {
    given([provisionallyRecorded])
      .when(charge)
      .then([
        {
          type: 'PaymentCorrected',
          data: {
            payment_id: 'p-1',
            customer_id: 'c-1',
            payment_date: '2020-02-01',
            amount: '100.00',
          },
        },
      ]);
    const corrected: PaymentEvent = {
      type: 'PaymentCorrected',
      data: { payment_id: 'p-1', customer_id: 'c-1', payment_date: '2020-02-01', amount: '100.00' },
    };
    given([provisionallyRecorded, corrected]).when(charge).thenNothing();
    given([provisionallyRecorded, corrected]).when(provisional).thenNothing();
  });

  it('a provisional recording never changes a payment the charge recorded', () => {
    const byCharge: PaymentEvent = {
      type: 'PaymentRecorded',
      data: { ...recorded.data, payment_date: '2020-02-01', source: 'stripe' },
    };
    given([byCharge]).when(provisional).thenNothing();
  });
});

describe("amounts in the company's currency (its ISO 4217 exponent)", () => {
  const inCurrency = (currency: string, amount: string): RecordPayment => ({
    ...record,
    data: { ...record.data, currency, amount },
  });
  const recordedIn = (currency: string, amount: string): PaymentEvent => ({
    type: 'PaymentRecorded',
    data: { ...recorded.data, currency, amount },
  });

  it('JPY has no decimals, KWD three: stored with exactly that many', () => {
    given([])
      .when(inCurrency('JPY', '1200'))
      .then([recordedIn('JPY', '1200')]);
    given([])
      .when(inCurrency('KWD', '12.5'))
      .then([recordedIn('KWD', '12.500')]);
    given([])
      .when(inCurrency('JPY', '1200.5'))
      .thenThrows(ValidationError, issuesOf(['amount']));
    given([])
      .when(inCurrency('KWD', '1.2345'))
      .thenThrows(ValidationError, issuesOf(['amount']));
    given([])
      .when(inCurrency('usd', '1'))
      .thenThrows(ValidationError, issuesOf(['currency']));
  });

  it("a refund is read in the payment's currency", () => {
    given([recordedIn('KWD', '12.500')])
      .when({
        type: 'RefundPayment',
        data: { payment_id: 'p-1', refund_id: 'r-1', amount: '0.125' },
      })
      .then([refunded('r-1', '0.125')]);
    given([recordedIn('JPY', '1200')])
      .when({ type: 'RefundPayment', data: { payment_id: 'p-1', refund_id: 'r-1', amount: '0.5' } })
      .thenThrows(ValidationError, issuesOf(['amount']));
    given([recordedIn('JPY', '1200')])
      .when({
        type: 'RefundPayment',
        data: { payment_id: 'p-1', refund_id: 'r-1', amount: '1201' },
      })
      .thenThrows(RuleViolationError);
  });

  it('a payment recorded before currencies existed is USD', () => {
    const { currency: _, ...legacy } = recorded.data as Record<string, unknown>;
    const old = { type: 'PaymentRecorded', data: legacy } as PaymentEvent;
    given([old]).when(record).thenNothing();
    given([old]).when(inCurrency('EUR', '100')).thenThrows(ConflictError);
  });
});

describe('ReportRefundedTotal (a refunded total that lists no refunds)', () => {
  const total = (refunded_total: string) =>
    ({ type: 'ReportRefundedTotal', data: { payment_id: 'p-1', refunded_total } }) as const;
  const unattributed = (amount: string, totalText: string): PaymentEvent => ({
    type: 'PaymentRefunded',
    data: { payment_id: 'p-1', refund_id: `total:${totalText}`, amount, unattributed: true },
  });

  it('records the rise over what is known, and nothing for the same total again', () => {
    given([recorded])
      .when(total('25'))
      .then([unattributed('25.00', '25.00')]);
    given([recorded, unattributed('25.00', '25.00')])
      .when(total('25.00'))
      .thenNothing();
    given([recorded, unattributed('25.00', '25.00')])
      .when(total('40'))
      .then([unattributed('15.00', '40.00')]);
  });

  it('counts refunds known by id: their own total adds nothing', () => {
    given([recorded, refunded('re_1', '30.00')])
      .when(total('30'))
      .thenNothing();
  });

  it('a refund arriving by id after the total is covered by it, not counted twice', () => {
    given([recorded, unattributed('25.00', '25.00')])
      .when({ type: 'RefundPayment', data: { payment_id: 'p-1', refund_id: 're_1', amount: '25' } })
      .then([
        {
          type: 'PaymentRefunded',
          data: { payment_id: 'p-1', refund_id: 're_1', amount: '25.00', covered: '25.00' },
        },
      ]);
  });

  it('refuses a total above the payment', () => {
    given([recorded]).when(total('100.01')).thenThrows(RuleViolationError);
  });
});

describe('ReverseRefund', () => {
  const reverse = (refund_id: string, amount: string) =>
    ({
      type: 'ReverseRefund',
      data: { payment_id: 'p-1', refund_id, amount, reason: 'refund failed' },
    }) as const;
  const reversed = (refund_id: string, amount: string, fromTotal = false): PaymentEvent => ({
    type: 'PaymentRefundReversed',
    data: {
      payment_id: 'p-1',
      refund_id,
      amount,
      reason: 'refund failed',
      ...(fromTotal ? { from_total: true as const } : {}),
    },
  });

  it('puts a recorded refund back, once', () => {
    given([recorded, refunded('re_1', '25.00')])
      .when(reverse('re_1', '25'))
      .then([reversed('re_1', '25.00')]);
    given([recorded, refunded('re_1', '25.00'), reversed('re_1', '25.00')])
      .when(reverse('re_1', '25'))
      .thenNothing();
  });

  it('a failure that arrives before the refund is remembered: the refund then records nothing', () => {
    given([recorded])
      .when(reverse('re_1', '25'))
      .then([reversed('re_1', '0.00')]);
    given([recorded, reversed('re_1', '0.00')])
      .when({ type: 'RefundPayment', data: { payment_id: 'p-1', refund_id: 're_1', amount: '25' } })
      .thenNothing();
  });

  it('a refund known only through a total comes off the unattributed amount', () => {
    const viaTotal: PaymentEvent = {
      type: 'PaymentRefunded',
      data: { payment_id: 'p-1', refund_id: 'total:25.00', amount: '25.00', unattributed: true },
    };
    given([recorded, viaTotal])
      .when(reverse('re_1', '25'))
      .then([reversed('re_1', '25.00', true)]);
  });
});

describe('DisputePayment and ReinstateDispute (chargebacks)', () => {
  const dispute = (amount: string) =>
    ({ type: 'DisputePayment', data: { payment_id: 'p-1', dispute_id: 'dp_1', amount } }) as const;
  const reinstate = (amount: string) =>
    ({
      type: 'ReinstateDispute',
      data: { payment_id: 'p-1', dispute_id: 'dp_1', amount },
    }) as const;
  const disputed = (amount: string): PaymentEvent => ({
    type: 'PaymentDisputed',
    data: { payment_id: 'p-1', dispute_id: 'dp_1', amount },
  });
  const reinstated = (amount: string): PaymentEvent => ({
    type: 'PaymentDisputeReinstated',
    data: { payment_id: 'p-1', dispute_id: 'dp_1', amount },
  });

  it('withdraws at most the net, once per dispute', () => {
    given([recorded])
      .when(dispute('100'))
      .then([disputed('100.00')]);
    given([recorded, refunded('re_1', '30.00')])
      .when(dispute('100'))
      .then([disputed('70.00')]);
    given([recorded, disputed('100.00')])
      .when(dispute('100'))
      .thenNothing();
  });

  it('reinstates at most what was withdrawn, once; before any withdrawal it is not found', () => {
    given([recorded, refunded('re_1', '30.00'), disputed('70.00')])
      .when(reinstate('100'))
      .then([reinstated('70.00')]);
    given([recorded, disputed('100.00'), reinstated('100.00')])
      .when(reinstate('100'))
      .thenNothing();
    given([recorded]).when(reinstate('100')).thenThrows(NotFoundError);
  });

  it('a refund cannot take the net below 0 once funds are withdrawn', () => {
    given([recorded, disputed('80.00')])
      .when({
        type: 'RefundPayment',
        data: { payment_id: 'p-1', refund_id: 're_1', amount: '20.01' },
      })
      .thenThrows(RuleViolationError, (error) => expect(error.rule).toBe('refund_exceeds_payment'));
  });
});

describe('CorrectPayment', () => {
  const correct = (amount: string) =>
    ({
      type: 'CorrectPayment',
      data: { payment_id: 'p-1', customer_id: 'c-2', payment_date: '2020-01-20', amount },
    }) as const;

  it('replaces customer, date and amount', () => {
    given([recorded]).when(correct('80')).then([corrected]);
  });

  it('is a no-op when nothing changes', () => {
    given([recorded, corrected]).when(correct('80.00')).thenNothing();
  });

  it('refuses an amount below what was already refunded, and allows exactly that', () => {
    given([recorded, refunded('r-1', '90.00')])
      .when(correct('89.99'))
      .thenThrows(RuleViolationError, (error) =>
        expect(error.rule).toBe('correction_below_refunds'),
      );
    given([recorded, refunded('r-1', '80.00')])
      .when(correct('80'))
      .then([corrected]);
  });

  it('refuses to correct an unknown or voided payment, or with bad fields', () => {
    given([]).when(correct('1')).thenThrows(NotFoundError);
    given([recorded, voided]).when(correct('1')).thenThrows(RuleViolationError);
    given([recorded])
      .when(correct('abc'))
      .thenThrows(ValidationError, issuesOf(['amount']));
  });
});

describe('VoidPayment', () => {
  const voidIt = (reason: string) =>
    ({ type: 'VoidPayment', data: { payment_id: 'p-1', reason } }) as const;

  it('voids a payment once; voiding again changes nothing', () => {
    given([recorded]).when(voidIt(' test ')).then([voided]);
    given([recorded, voided]).when(voidIt('again')).thenNothing();
  });

  it('refuses an unknown payment and an empty reason', () => {
    given([]).when(voidIt('x')).thenThrows(NotFoundError);
    given([recorded])
      .when(voidIt(''))
      .thenThrows(ValidationError, issuesOf(['reason']));
  });

  it('treats a command for another payment than the stream holds as a wiring bug', () => {
    expect(
      thrownBy(() =>
        paymentDecider.decide(
          { type: 'VoidPayment', data: { payment_id: 'p-2', reason: 'x' } },
          paymentDecider.evolve(paymentDecider.initialState, recorded),
        ),
      ),
    ).toEqual(new Error('payment stream of p-1 given a command for p-2'));
  });
});

describe('parsePaymentFields', () => {
  it('normalises a row the way RecordPayment does', () => {
    expect(
      parsePaymentFields({ customer_id: ' c-1 ', payment_date: '2020-01-15', amount: '12.5' }, 2),
    ).toEqual({
      customer_id: 'c-1',
      payment_date: '2020-01-15',
      amount: 1250,
    });
  });

  it('reports every bad field', () => {
    const error = thrownBy(() =>
      parsePaymentFields({ customer_id: 7, payment_date: 'x', amount: '1' }, 2),
    );
    expect((error as ValidationError).issues.map((issue) => issue.field)).toEqual([
      'customer_id',
      'payment_date',
    ]);
  });
});
