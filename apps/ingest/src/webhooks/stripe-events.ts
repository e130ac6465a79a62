import { createHash } from 'node:crypto';
import { formatCents, RuleViolationError, ValidationError } from '@cvf/domain';

/**
 * What a Stripe event means for the payment log; pure, so every choice below is unit-tested.
 * Choices where the issue was silent:
 * - payment_id: the charge id. A payment_intent.succeeded names its `latest_charge` when it
 *   has one, so a company subscribed to both charge.succeeded and payment_intent.succeeded
 *   records each payment once (the PaymentIntent id only when it has no charge).
 * - customer_id: Stripe's `customer`; without one, `email:<sha256 of the lower-case email>`
 *   (billing or receipt email) so one guest's payments stay one customer without putting an
 *   email address into an immutable log; without either, `guest:<payment_id>`, a customer of
 *   its own, rather than lumping every guest into one 'unknown' customer whose cohort would
 *   be the month of the first guest payment ever.
 * - payment_date: the UTC date of the charge's (payment intent's) `created`; occurred_at its
 *   instant.
 * - amounts: integer minor units, converted exactly (1999 → "19.99"); only currencies with 2
 *   decimals are valid, a zero- or three-decimal one is a 422 (the domain's money has 2).
 * - a charge that is not captured yet is no payment: charge.succeeded with captured=false is
 *   ignored and charge.captured records it (with the captured amount).
 * - refunds: refund.created, and each refund listed in a charge.refunded; only pending or
 *   succeeded ones (failed or canceled ones move no money). A charge.refunded without its
 *   refund list (API versions from 2022-11-15) is ignored: refund.created carries them.
 */
export interface StripePayment {
  readonly payment_id: string;
  readonly customer_id: string;
  readonly payment_date: string;
  readonly amount: string;
}

export interface StripeRefund {
  readonly payment_id: string;
  readonly refund_id: string;
  readonly amount: string;
}

export type StripeIntent =
  | { readonly kind: 'record'; readonly payment: StripePayment; readonly occurredAt: string }
  | {
      readonly kind: 'refund';
      readonly refunds: readonly StripeRefund[];
      readonly occurredAt: string;
    }
  | { readonly kind: 'ignore'; readonly reason: string };

export interface StripeEvent {
  readonly id: string;
  readonly type: string;
  readonly object: Readonly<Record<string, unknown>>;
}

type Json = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The envelope every Stripe event has; 400 naming the field when it does not. */
export function readStripeEvent(body: unknown): StripeEvent {
  if (!isObject(body)) throw ValidationError.of('body', 'must be a Stripe event object');
  const { id, type, data } = body;
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,200}$/.test(id)) {
    throw ValidationError.of('id', 'must be a Stripe event id');
  }
  if (typeof type !== 'string' || type === '') throw ValidationError.of('type', 'is required');
  if (!isObject(data) || !isObject(data.object)) {
    throw ValidationError.of('data.object', 'must be an object');
  }
  return { id, type, object: data.object };
}

export function interpretStripeEvent(event: StripeEvent): StripeIntent {
  const object = event.object;
  switch (event.type) {
    case 'charge.succeeded':
      if (object.captured === false) {
        return {
          kind: 'ignore',
          reason: 'the charge is not captured yet (charge.captured records it)',
        };
      }
      return recordCharge(object, 'amount');
    case 'charge.captured':
      return recordCharge(object, 'amount_captured');
    case 'payment_intent.succeeded': {
      const charge = idOf(object.latest_charge);
      return record(object, charge ?? requireId(object, 'data.object.id'), 'amount_received', [
        'receipt_email',
      ]);
    }
    case 'refund.created':
      return refundsOf([{ refund: object, at: 'data.object' }]);
    case 'charge.refunded': {
      const list = isObject(object.refunds) ? object.refunds.data : undefined;
      if (!Array.isArray(list)) {
        return {
          kind: 'ignore',
          reason: 'charge.refunded without its refund list: refund.created records refunds',
        };
      }
      return refundsOf(
        (list as readonly unknown[]).map((refund, i) => ({
          refund,
          at: `data.object.refunds.data[${i}]`,
        })),
      );
    }
    default:
      return { kind: 'ignore', reason: `event type ${event.type} does not change payments` };
  }
}

function recordCharge(charge: Json, amountField: string): StripeIntent {
  const email = isObject(charge.billing_details) ? charge.billing_details.email : undefined;
  return record(charge, requireId(charge, 'data.object.id'), amountField, ['receipt_email'], email);
}

function record(
  object: Json,
  paymentId: string,
  amountField: string,
  emailFields: readonly string[],
  billingEmail?: unknown,
): StripeIntent {
  const created = createdAt(object);
  const emails = [billingEmail, ...emailFields.map((field) => object[field])];
  const email = emails.find((e): e is string => typeof e === 'string' && e.trim() !== '');
  const customer = idOf(object.customer);
  return {
    kind: 'record',
    occurredAt: created.toISOString(),
    payment: {
      payment_id: paymentId,
      customer_id: customer ?? (email ? emailCustomerId(email) : `guest:${paymentId}`),
      payment_date: created.toISOString().slice(0, 10),
      amount: amountOf(object, amountField),
    },
  };
}

/** `at` is where each refund sits in the event, for the field a 400 names. */
function refundsOf(list: readonly { refund: unknown; at: string }[]): StripeIntent {
  const refunds: StripeRefund[] = [];
  let latest = 0;
  for (const { refund, at } of list) {
    if (!isObject(refund)) throw ValidationError.of(at, 'must be a refund object');
    if (refund.status === 'failed' || refund.status === 'canceled') continue;
    const paymentId = idOf(refund.charge) ?? idOf(refund.payment_intent);
    if (!paymentId) throw ValidationError.of(`${at}.charge`, 'names no charge or payment intent');
    latest = Math.max(latest, createdAt(refund, at).getTime());
    refunds.push({
      payment_id: paymentId,
      refund_id: requireId(refund, `${at}.id`),
      amount: amountOf(refund, 'amount', at),
    });
  }
  if (refunds.length === 0) return { kind: 'ignore', reason: 'no pending or succeeded refund' };
  return { kind: 'refund', refunds, occurredAt: new Date(latest).toISOString() };
}

/** An id given as a string, or as an expanded object with an id. */
function idOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (isObject(value) && typeof value.id === 'string' && value.id !== '') return value.id;
  return undefined;
}

function requireId(object: Json, field: string): string {
  const id = idOf(object.id);
  if (!id) throw ValidationError.of(field, 'is required');
  return id;
}

function createdAt(object: Json, path = 'data.object'): Date {
  const created = object.created;
  if (typeof created !== 'number' || !Number.isSafeInteger(created) || created <= 0) {
    throw ValidationError.of(`${path}.created`, 'must be a Unix timestamp in seconds');
  }
  return new Date(created * 1000);
}

// Stripe's lists (docs: "Zero-decimal currencies", "Three-decimal currencies").
const ZERO_DECIMAL = new Set(
  'bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf'.split(' '),
);
const THREE_DECIMAL = new Set('bhd jod kwd omr tnd'.split(' '));

/** Minor units as an exact 2-decimal string; 422 for a currency without 2 decimals. */
function amountOf(object: Json, field: string, path = 'data.object'): string {
  const currency = object.currency;
  if (typeof currency !== 'string' || !/^[a-zA-Z]{3}$/.test(currency)) {
    throw ValidationError.of(`${path}.currency`, 'must be a 3-letter currency code');
  }
  const code = currency.toLowerCase();
  const decimals = ZERO_DECIMAL.has(code) ? 0 : THREE_DECIMAL.has(code) ? 3 : 2;
  if (decimals !== 2) {
    throw new RuleViolationError(
      'unsupported_currency',
      `${code.toUpperCase()} has ${decimals} decimals; only currencies with 2 decimals can be recorded`,
    );
  }
  const minor = object[field];
  if (typeof minor !== 'number' || !Number.isSafeInteger(minor) || minor < 0) {
    throw ValidationError.of(`${path}.${field}`, 'must be a whole number of minor units ≥ 0');
  }
  return formatCents(minor);
}

function emailCustomerId(email: string): string {
  const digest = createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
  return `email:${digest.slice(0, 32)}`;
}
