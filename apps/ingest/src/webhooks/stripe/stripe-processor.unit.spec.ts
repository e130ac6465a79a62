import type Stripe from 'stripe';
import {
  balanceTransaction,
  stripeCharge,
  stripeDispute,
  stripeEvent,
  stripeIntent,
  stripeInvoice,
  stripeInvoicePaidBy,
  stripeRefund,
} from '../../testing/stripe-events';
import { type CompanyLocale, type Interpretation } from '../payment-processor';
import { StripeProcessor } from './stripe-processor';

// What each Stripe event means for the payment log, on payloads typed by the official SDK.

const processor = new StripeProcessor();
const USD_UTC: CompanyLocale = { currency: 'USD', timezone: 'UTC' };
// 2024-01-31T23:30:00Z: January in Los Angeles and in UTC, February in Berlin.
const LATE_JANUARY = 1_706_743_800;

const meaning = (event: Stripe.Event, company: CompanyLocale = USD_UTC): Interpretation =>
  processor.interpret(processor.parse(Buffer.from(JSON.stringify(event))), company);

const charge = stripeCharge({
  id: 'ch_1',
  payment_intent: 'pi_1',
  customer: 'cus_1',
  amount: 10_000,
  amount_captured: 10_000,
  currency: 'usd',
  created: LATE_JANUARY,
});

describe('payments', () => {
  it('a charge is a payment under its payment intent, found again by its own id, dated by the charge in the company’s zone', () => {
    const event = stripeEvent('charge.succeeded', charge, 'evt_1', LATE_JANUARY);
    const record = {
      kind: 'record',
      refs: ['pi_1', 'ch_1'],
      customerId: 'cus_1',
      amountMinor: 10_000,
      provisional: false,
      sourceRef: 'ch_1',
      occurredAt: '2024-01-31T23:30:00.000Z',
    };
    expect(meaning(event, { currency: 'USD', timezone: 'America/Los_Angeles' })).toEqual({
      kind: 'actions',
      actions: [{ ...record, paymentDate: '2024-01-31' }],
    });
    expect(meaning(event, { currency: 'USD', timezone: 'Europe/Berlin' })).toEqual({
      kind: 'actions',
      actions: [{ ...record, paymentDate: '2024-02-01' }],
    });
  });

  it('an uncaptured charge is no payment; its capture records the captured amount', () => {
    const held = stripeCharge({ ...charge, captured: false, amount_captured: 0 });
    expect(meaning(stripeEvent('charge.succeeded', held, 'evt_2', LATE_JANUARY))).toMatchObject({
      kind: 'ignore',
    });
    const captured = stripeCharge({ ...charge, captured: true, amount_captured: 7_500 });
    expect(meaning(stripeEvent('charge.captured', captured, 'evt_3', LATE_JANUARY))).toMatchObject({
      kind: 'actions',
      actions: [{ kind: 'record', amountMinor: 7_500 }],
    });
  });

  it('a payment intent names its charge too and is dated provisionally by itself', () => {
    const intent = stripeIntent({
      id: 'pi_1',
      latest_charge: 'ch_1',
      amount_received: 10_000,
      currency: 'usd',
      customer: 'cus_1',
      created: LATE_JANUARY - 86_400,
    });
    expect(
      meaning(stripeEvent('payment_intent.succeeded', intent, 'evt_4', LATE_JANUARY)),
    ).toMatchObject({
      kind: 'actions',
      actions: [
        {
          kind: 'record',
          refs: ['pi_1', 'ch_1'],
          paymentDate: '2024-01-30',
          provisional: true,
          amountMinor: 10_000,
        },
      ],
    });
  });

  it('a paid invoice records each paid payment it lists, provisionally, at the time it was paid', () => {
    const paid = stripeInvoicePaidBy({
      id: 'in_1',
      intent: 'pi_1',
      amount: 10_000,
      paidAt: LATE_JANUARY,
      customer: 'cus_1',
    });
    expect(meaning(stripeEvent('invoice.paid', paid, 'evt_5', LATE_JANUARY))).toMatchObject({
      kind: 'actions',
      actions: [{ kind: 'record', refs: ['pi_1'], paymentDate: '2024-01-31', provisional: true }],
    });
    const unlinked = stripeInvoice({ ...paid, payments: undefined });
    expect(
      meaning(stripeEvent('invoice.payment_succeeded', unlinked, 'evt_6', LATE_JANUARY)),
    ).toMatchObject({
      kind: 'reject',
      reason: expect.stringContaining('names no charge or payment intent'),
    });
    const free = stripeInvoice({ ...paid, payments: undefined, amount_paid: 0 });
    expect(meaning(stripeEvent('invoice.paid', free, 'evt_7', LATE_JANUARY))).toMatchObject({
      kind: 'ignore',
    });
  });

  it('a charge in another currency counts only through its balance transaction in the company’s', () => {
    const euros = stripeCharge({
      ...charge,
      currency: 'eur',
      amount: 9_000,
      amount_captured: 9_000,
    });
    expect(meaning(stripeEvent('charge.succeeded', euros, 'evt_8', LATE_JANUARY))).toMatchObject({
      kind: 'reject',
      reason: expect.stringContaining('EUR'),
    });
    const settled = stripeCharge({
      ...euros,
      balance_transaction: balanceTransaction(9_712, 'usd'),
    });
    expect(meaning(stripeEvent('charge.succeeded', settled, 'evt_9', LATE_JANUARY))).toMatchObject({
      kind: 'actions',
      actions: [{ kind: 'record', amountMinor: 9_712 }],
    });
  });

  it('refuses a payload without what it needs, naming the field', () => {
    const broken = { ...charge, created: 'yesterday' } as unknown as Stripe.Charge;
    expect(meaning(stripeEvent('charge.succeeded', broken, 'evt_10', LATE_JANUARY))).toEqual({
      kind: 'reject',
      reason: 'data.object.created is not a Unix timestamp in seconds',
    });
  });
});

describe('refunds and chargebacks', () => {
  const refund = stripeRefund({
    id: 're_1',
    charge: 'ch_1',
    payment_intent: 'pi_1',
    amount: 2_500,
    currency: 'usd',
    status: 'succeeded',
  });

  it('a refund by id counts while pending or succeeded, and is reversed once failed or canceled', () => {
    expect(meaning(stripeEvent('refund.created', refund, 'evt_11', LATE_JANUARY))).toMatchObject({
      kind: 'actions',
      actions: [{ kind: 'refund', refs: ['pi_1', 'ch_1'], refundId: 're_1', amountMinor: 2_500 }],
    });
    for (const status of ['failed', 'canceled'] as const) {
      const gone = stripeRefund({ ...refund, status });
      expect(
        meaning(stripeEvent('charge.refund.updated', gone, `evt_12_${status}`, LATE_JANUARY)),
      ).toMatchObject({
        kind: 'actions',
        actions: [{ kind: 'reverse_refund', refundId: 're_1', reason: status }],
      });
    }
  });

  it('charge.refunded: each listed refund, or without the list its refunded total', () => {
    const listed = stripeCharge({
      ...charge,
      amount_refunded: 2_500,
      refunds: { object: 'list', has_more: false, url: '/v1/refunds', data: [refund] },
    });
    expect(meaning(stripeEvent('charge.refunded', listed, 'evt_13', LATE_JANUARY))).toMatchObject({
      kind: 'actions',
      actions: [{ kind: 'refund', refundId: 're_1' }],
    });
    const totalOnly = stripeCharge({ ...charge, amount_refunded: 2_500, refunds: undefined });
    expect(
      meaning(stripeEvent('charge.refunded', totalOnly, 'evt_14', LATE_JANUARY)),
    ).toMatchObject({
      kind: 'actions',
      actions: [{ kind: 'refunded_total', refs: ['pi_1', 'ch_1'], totalMinor: 2_500 }],
    });
  });

  it('a chargeback withdraws and reinstates its amount, or its balance transaction in the company’s currency', () => {
    const chargeback = stripeDispute({
      id: 'dp_1',
      charge: 'ch_1',
      payment_intent: 'pi_1',
      amount: 10_000,
      currency: 'usd',
    });
    expect(
      meaning(stripeEvent('charge.dispute.funds_withdrawn', chargeback, 'evt_15', LATE_JANUARY)),
    ).toMatchObject({
      kind: 'actions',
      actions: [
        { kind: 'dispute', disputeId: 'dp_1', amountMinor: 10_000, refs: ['pi_1', 'ch_1'] },
      ],
    });
    const inEuros = stripeDispute({
      ...chargeback,
      currency: 'eur',
      amount: 9_000,
      balance_transactions: [balanceTransaction(-9_712, 'usd'), balanceTransaction(9_650, 'usd')],
    });
    expect(
      meaning(stripeEvent('charge.dispute.funds_reinstated', inEuros, 'evt_16', LATE_JANUARY)),
    ).toMatchObject({ kind: 'actions', actions: [{ kind: 'reinstate', amountMinor: 9_650 }] });
  });
});

it('acknowledges a type that moves no money', () => {
  const event = stripeEvent(
    'payment_intent.created',
    stripeIntent({ status: 'requires_payment_method' }),
    'evt_17',
    LATE_JANUARY,
  );
  expect(meaning(event)).toMatchObject({
    kind: 'ignore',
    reason: expect.stringContaining('payment_intent.created'),
  });
});
