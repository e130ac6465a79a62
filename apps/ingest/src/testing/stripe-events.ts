import { contractFetch } from '@cvf/platform/testing';
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

/** POSTs `event` to a listening ingest's webhook route for the company, signed as Stripe would. */
export function postStripeEvent(
  base: string,
  companyId: string,
  secret: string,
  event: Stripe.Event,
): Promise<Response> {
  const payload = JSON.stringify(event);
  return contractFetch(`${base}/webhooks/${companyId}/stripe`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'stripe-signature': stripeSignature(payload, secret),
    },
    body: payload,
  });
}

/** A charge in euros, for a company that reports in another currency: kept as rejected. */
export const euroChargeEvent = (chargeId: string, eventId: string): Stripe.Event =>
  stripeEvent(
    'charge.succeeded',
    stripeCharge({ id: chargeId, currency: 'eur', amount: 900, amount_captured: 900 }),
    eventId,
    1_706_800_000,
  );

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

/** A paid invoice listing its one payment (`payments` included), paid through `intent`. */
export function stripeInvoicePaidBy(paid: {
  readonly id: string;
  readonly intent: string;
  readonly amount: number;
  readonly paidAt: number;
  readonly customer: string;
  readonly currency?: string;
}): Stripe.Invoice {
  const currency = paid.currency ?? 'usd';
  return stripeInvoice({
    id: paid.id,
    currency,
    customer: paid.customer,
    amount_paid: paid.amount,
    status_transitions: { ...invoice.status_transitions, paid_at: paid.paidAt },
    payments: {
      object: 'list',
      has_more: false,
      url: '/v1/invoice_payments',
      data: [
        {
          id: `inpay_${paid.id}`,
          object: 'invoice_payment',
          amount_paid: paid.amount,
          amount_requested: paid.amount,
          created: paid.paidAt,
          currency,
          invoice: paid.id,
          is_default: true,
          livemode: false,
          payment: { type: 'payment_intent', payment_intent: paid.intent },
          status: 'paid',
          status_transitions: { canceled_at: null, paid_at: paid.paidAt },
        },
      ],
    },
  });
}

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
