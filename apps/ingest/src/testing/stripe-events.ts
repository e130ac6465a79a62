import Stripe from 'stripe';
import { charge, dispute, invoice, paymentIntent, refund } from './stripe-objects';

/**
 * Stripe events for the specs, shaped and signed by the official SDK: each object is a
 * complete `Stripe.Charge` (… `Stripe.Invoice`) with the fields a spec is about set on it,
 * each event a `Stripe.Event` of its type, each signature from
 * `stripe.webhooks.generateTestHeaderString`.
 */

type EventOf<T extends Stripe.Event['type']> = Extract<Stripe.Event, { type: T }>;

const sdk = new Stripe('sk_test_cvf_specs_only');

export const API_VERSION = '2026-11-18.endive';

export function stripeEvent<T extends Stripe.Event['type']>(
  type: T,
  object: EventOf<T>['data']['object'],
  id: string,
  created: number,
): EventOf<T> {
  const event: Stripe.EventBase & { data: { object: unknown } } = {
    id,
    object: 'event',
    api_version: API_VERSION,
    created,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
  // The union member is chosen by `type`; `object` was checked against it above.
  return event as EventOf<T>;
}

/** The Stripe-Signature header Stripe would send for `payload`. */
export function stripeSignature(payload: string, secret: string, timestamp?: number): string {
  return sdk.webhooks.generateTestHeaderString({
    payload,
    secret,
    ...(timestamp === undefined ? {} : { timestamp }),
  });
}

export const stripeCharge = (fields: Partial<Stripe.Charge>): Stripe.Charge => ({
  ...charge,
  refunds: { object: 'list', data: [], has_more: false, url: '/v1/charges/ch/refunds' },
  captured: true,
  ...fields,
});

export const stripeRefund = (fields: Partial<Stripe.Refund>): Stripe.Refund => ({
  ...refund,
  ...fields,
});

export const stripeDispute = (fields: Partial<Stripe.Dispute>): Stripe.Dispute => ({
  ...dispute,
  ...fields,
});

export const stripeIntent = (fields: Partial<Stripe.PaymentIntent>): Stripe.PaymentIntent => ({
  ...paymentIntent,
  status: 'succeeded',
  ...fields,
});

export const stripeInvoice = (fields: Partial<Stripe.Invoice>): Stripe.Invoice => ({
  ...invoice,
  status: 'paid',
  ...fields,
});

/** A balance transaction as it appears expanded on a charge or a dispute. */
export function balanceTransaction(
  amount: number,
  currency: string,
  id = `txn_${Math.abs(amount)}_${currency}`,
): Stripe.BalanceTransaction {
  return {
    id,
    object: 'balance_transaction',
    amount,
    available_on: 1_706_745_600,
    balance_type: 'payments',
    created: 1_706_745_600,
    currency,
    description: null,
    exchange_rate: null,
    fee: 0,
    fee_details: [],
    net: amount,
    reporting_category: amount < 0 ? 'dispute' : 'charge',
    source: null,
    status: 'available',
    type: amount < 0 ? 'adjustment' : 'charge',
  };
}
