import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { dateInZone, ValidationError } from '@cvf/domain';
import {
  type CompanyLocale,
  type Interpretation,
  type PaymentAction,
  type PaymentProcessor,
  type ProcessorEvent,
  type SignatureVerdict,
  type SignedDelivery,
} from '../payment-processor';
import { verifyStripeSignature } from './stripe-signature';

/**
 * Stripe behind the PaymentProcessor port: its signature scheme and what its events mean.
 * Choices where the issue was silent (each unit-tested in stripe-processor.unit.spec.ts):
 * - One payment per successful charge: charge.succeeded, charge.captured,
 *   payment_intent.succeeded and invoice.paid / invoice.payment_succeeded all name the same
 *   money through `refs`. Its payment_id is the charge's PaymentIntent when it has one (every
 *   event of that money names it, refunds and disputes too, so the id does not depend on
 *   which arrives first; the charge id is `source_ref`), the charge's own id for a charge
 *   made without one. An invoice of the API before 2025-03-31 names its `payment_intent`
 *   beside its `charge`, and so lands on the same payment.
 * - Dated by the charge: a charge event's `created`, as a date in the company's zone. A
 *   payment intent (whose `latest_charge` is only an id) or an invoice is dated by its own
 *   time, provisionally: the charge's event, when it comes, corrects the date.
 * - A charge not captured yet is no payment (charge.succeeded with captured=false is
 *   ignored; charge.captured records the captured amount).
 * - customer_id: Stripe's `customer`; without one `email:<sha256 of the lower-case email>`
 *   (billing or receipt email, so no address enters the immutable log); without either
 *   `guest:<charge>`, a customer of its own.
 * - Another currency: the amount of the charge's balance transaction when the event carries
 *   it expanded in the company's currency; otherwise the event is refused (kept, alerted).
 *   Refunds and chargebacks of such a charge are refused too (their amounts are in the
 *   charge's currency). Chargebacks use their balance transactions the same way.
 * - Refunds: refund.created / refund.updated / refund.failed / charge.refund.updated (the
 *   Refund object) and each refund in a charge.refunded that lists them; pending,
 *   requires_action and succeeded ones count, failed and canceled ones are reversed. A
 *   charge.refunded without its list (API versions from 2022-11-15) reports its
 *   `amount_refunded`: the rise over what is known is recorded once.
 * - An invoice that names neither a charge nor a payment intent (API versions from
 *   2025-03-31 leave them out unless `payments` is included) is refused with the reason:
 *   recording it under the invoice id would count it twice beside its charge's event.
 */
@Injectable()
export class StripeProcessor implements PaymentProcessor {
  readonly name = 'stripe';
  readonly signatureHeader = 'stripe-signature';

  verify(delivery: SignedDelivery): SignatureVerdict {
    return verifyStripeSignature(delivery);
  }

  parse(rawBody: Buffer): ProcessorEvent {
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8')) as unknown;
    } catch {
      throw ValidationError.of('body', 'must be JSON');
    }
    return readStripeEvent(body);
  }

  interpret(event: ProcessorEvent, company: CompanyLocale): Interpretation {
    return interpretStripeEvent(event, company);
  }
}

type Json = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The envelope every Stripe event has; a ValidationError naming the field when it does not. */
export function readStripeEvent(body: unknown): ProcessorEvent {
  if (!isObject(body)) throw ValidationError.of('body', 'must be a Stripe event object');
  const { id, type, data } = body;
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,200}$/.test(id)) {
    throw ValidationError.of('id', 'must be a Stripe event id');
  }
  if (typeof type !== 'string' || type === '') throw ValidationError.of('type', 'is required');
  if (!isObject(data) || !isObject(data.object)) {
    throw ValidationError.of('data.object', 'must be an object');
  }
  return { id, type, body };
}

/** A payload that lacks what its type needs: refused with the reason, not retried. */
class Unreadable extends Error {}

export function interpretStripeEvent(
  event: ProcessorEvent,
  company: CompanyLocale,
): Interpretation {
  const object = (event.body.data as Json).object as Json;
  try {
    const at = () => eventTime(event.body, object);
    switch (event.type) {
      case 'charge.succeeded':
        if (object.captured === false) {
          return ignore('the charge is not captured yet (charge.captured records it)');
        }
        return chargePayment(object, company, 'amount');
      case 'charge.captured':
        return chargePayment(object, company, 'amount_captured');
      case 'payment_intent.succeeded':
        return intentPayment(object, company);
      case 'invoice.paid':
      case 'invoice.payment_succeeded':
        return invoicePayments(object, company);
      case 'charge.refunded':
        return chargeRefunds(object, company, at());
      case 'refund.created':
      case 'refund.updated':
      case 'refund.failed':
      case 'charge.refund.updated':
        return refundActions([{ refund: object, path: 'data.object' }], company, at(), []);
      case 'charge.dispute.funds_withdrawn':
        return disputeAction(object, company, at(), 'dispute');
      case 'charge.dispute.funds_reinstated':
        return disputeAction(object, company, at(), 'reinstate');
      default:
        return ignore(`event type ${event.type} does not move a payment's money`);
    }
  } catch (error) {
    if (error instanceof Unreadable) return { kind: 'reject', reason: error.message };
    throw error;
  }
}

const ignore = (reason: string): Interpretation => ({ kind: 'ignore', reason });
const actions = (list: readonly PaymentAction[]): Interpretation => ({
  kind: 'actions',
  actions: list,
});

function chargePayment(charge: Json, company: CompanyLocale, amountField: string): Interpretation {
  const chargeId = requireId(charge.id, 'data.object.id');
  const amount = chargeAmount(charge, company, amountField, 'data.object');
  if (amount.kind === 'reject') return amount;
  const created = createdAt(charge, 'data.object');
  const email = isObject(charge.billing_details) ? charge.billing_details.email : undefined;
  return actions([
    {
      kind: 'record',
      refs: refsOf(idOf(charge.payment_intent), chargeId),
      occurredAt: created.toISOString(),
      customerId: customerOf(charge, chargeId, [email, charge.receipt_email]),
      paymentDate: dateInZone(created, company.timezone),
      amountMinor: amount.minor,
      provisional: false,
      sourceRef: chargeId,
    },
  ]);
}

/** A payment intent: the charge's own facts when it is expanded, else its own, provisionally. */
function intentPayment(intent: Json, company: CompanyLocale): Interpretation {
  const intentId = requireId(intent.id, 'data.object.id');
  const charge = intent.latest_charge;
  if (isObject(charge) && typeof charge.created === 'number') {
    return chargePayment({ ...charge, payment_intent: intentId }, company, 'amount');
  }
  const currency = currencyOf(intent, 'data.object');
  if (currency !== company.currency) {
    return otherCurrency(currency, company, 'payment intent');
  }
  const created = createdAt(intent, 'data.object');
  const chargeId = idOf(charge);
  return actions([
    {
      kind: 'record',
      refs: refsOf(intentId, chargeId),
      occurredAt: created.toISOString(),
      customerId: customerOf(intent, chargeId ?? intentId, [intent.receipt_email]),
      paymentDate: dateInZone(created, company.timezone),
      amountMinor: minorOf(intent.amount_received, 'data.object.amount_received'),
      provisional: true,
      sourceRef: intentId,
    },
  ]);
}

/**
 * A paid invoice: one payment per payment it names (`payments` when included, or the older
 * API's `charge` / `payment_intent`), each dated by the time the invoice was paid.
 */
function invoicePayments(invoice: Json, company: CompanyLocale): Interpretation {
  const invoiceId = requireId(invoice.id, 'data.object.id');
  const currency = currencyOf(invoice, 'data.object');
  if (currency !== company.currency) return otherCurrency(currency, company, 'invoice');
  const paidAt = paidTime(invoice);
  const base = {
    kind: 'record' as const,
    occurredAt: paidAt.toISOString(),
    paymentDate: dateInZone(paidAt, company.timezone),
    provisional: true,
    sourceRef: invoiceId,
  };
  const listed = isObject(invoice.payments) ? invoice.payments.data : undefined;
  const found: PaymentAction[] = [];
  if (Array.isArray(listed)) {
    (listed as readonly unknown[]).forEach((entry, i) => {
      const path = `data.object.payments.data[${i}]`;
      if (!isObject(entry) || entry.status !== 'paid' || !isObject(entry.payment)) return;
      const refs = refsOf(idOf(entry.payment.payment_intent), idOf(entry.payment.charge));
      if (refs.length === 0) return;
      found.push({
        ...base,
        refs,
        customerId: customerOf(invoice, refs[0]!, [invoice.customer_email]),
        amountMinor: minorOf(entry.amount_paid, `${path}.amount_paid`),
      });
    });
  } else {
    const refs = refsOf(idOf(invoice.payment_intent), idOf(invoice.charge));
    if (refs.length > 0) {
      found.push({
        ...base,
        refs,
        customerId: customerOf(invoice, refs[0]!, [invoice.customer_email]),
        amountMinor: minorOf(invoice.amount_paid, 'data.object.amount_paid'),
      });
    }
  }
  if (found.length > 0) return actions(found);
  if (invoice.amount_paid === 0) return ignore('the invoice was paid with nothing charged');
  return {
    kind: 'reject',
    reason:
      `invoice ${invoiceId} names no charge or payment intent (API versions from 2025-03-31 ` +
      'include them only in `payments`); its charge.succeeded event records the payment',
  };
}

function chargeRefunds(charge: Json, company: CompanyLocale, at: string): Interpretation {
  const chargeId = requireId(charge.id, 'data.object.id');
  const refs = refsOf(idOf(charge.payment_intent), chargeId);
  const currency = currencyOf(charge, 'data.object');
  if (currency !== company.currency) return otherCurrency(currency, company, 'refunded charge');
  const list = isObject(charge.refunds) ? charge.refunds.data : undefined;
  if (Array.isArray(list)) {
    const refunds = (list as readonly unknown[]).map((refund, i) => ({
      refund,
      path: `data.object.refunds.data[${i}]`,
    }));
    return refundActions(refunds, company, at, refs);
  }
  return actions([
    {
      kind: 'refunded_total',
      refs,
      occurredAt: at,
      totalMinor: minorOf(charge.amount_refunded, 'data.object.amount_refunded'),
    },
  ]);
}

const REVERSED = new Set(['failed', 'canceled']);

function refundActions(
  list: readonly { refund: unknown; path: string }[],
  company: CompanyLocale,
  at: string,
  chargeRefs: readonly string[],
): Interpretation {
  const found: PaymentAction[] = [];
  for (const { refund, path } of list) {
    if (!isObject(refund)) throw new Unreadable(`${path} is not a refund object`);
    const refundId = requireId(refund.id, `${path}.id`);
    const refs = refsOf(idOf(refund.payment_intent), idOf(refund.charge), ...chargeRefs);
    if (refs.length === 0) throw new Unreadable(`${path} names no charge or payment intent`);
    const currency = currencyOf(refund, path);
    if (currency !== company.currency) return otherCurrency(currency, company, 'refund');
    const amountMinor = minorOf(refund.amount, `${path}.amount`);
    const status = typeof refund.status === 'string' ? refund.status : 'succeeded';
    found.push(
      REVERSED.has(status)
        ? { kind: 'reverse_refund', refs, occurredAt: at, refundId, amountMinor, reason: status }
        : { kind: 'refund', refs, occurredAt: at, refundId, amountMinor },
    );
  }
  return found.length > 0 ? actions(found) : ignore('the charge lists no refunds');
}

/**
 * A chargeback's withdrawal or reinstatement: the dispute's amount in the company's currency,
 * or the matching balance transaction (negative for a withdrawal, positive for a
 * reinstatement) when the dispute is in another.
 */
function disputeAction(
  dispute: Json,
  company: CompanyLocale,
  at: string,
  kind: 'dispute' | 'reinstate',
): Interpretation {
  const disputeId = requireId(dispute.id, 'data.object.id');
  const refs = refsOf(idOf(dispute.payment_intent), idOf(dispute.charge));
  if (refs.length === 0) throw new Unreadable('data.object names no charge or payment intent');
  const currency = currencyOf(dispute, 'data.object');
  let amountMinor: number | undefined;
  if (currency === company.currency) {
    amountMinor = minorOf(dispute.amount, 'data.object.amount');
  } else {
    const moves = Array.isArray(dispute.balance_transactions) ? dispute.balance_transactions : [];
    const settled = (moves as readonly unknown[]).filter(
      (move): move is Json =>
        isObject(move) &&
        typeof move.currency === 'string' &&
        move.currency.toUpperCase() === company.currency &&
        typeof move.amount === 'number' &&
        (kind === 'dispute' ? move.amount < 0 : move.amount > 0),
    );
    const last = settled.at(-1);
    if (last === undefined) return otherCurrency(currency, company, 'chargeback');
    // Whole minor units, checked like every other amount (a fraction would not be money).
    amountMinor = minorOf(
      Math.abs(last.amount as number),
      'data.object.balance_transactions[].amount',
    );
  }
  return actions([{ kind, refs, occurredAt: at, disputeId, amountMinor }]);
}

/** The charge's amount in the company's currency: its own, or its balance transaction's. */
function chargeAmount(
  charge: Json,
  company: CompanyLocale,
  field: string,
  path: string,
): { kind: 'ok'; minor: number } | { kind: 'reject'; reason: string } {
  const currency = currencyOf(charge, path);
  if (currency === company.currency) {
    return { kind: 'ok', minor: minorOf(charge[field], `${path}.${field}`) };
  }
  const settlement = charge.balance_transaction;
  if (
    isObject(settlement) &&
    typeof settlement.currency === 'string' &&
    settlement.currency.toUpperCase() === company.currency
  ) {
    return { kind: 'ok', minor: minorOf(settlement.amount, `${path}.balance_transaction.amount`) };
  }
  return otherCurrency(currency, company, 'charge');
}

function otherCurrency(
  currency: string,
  company: CompanyLocale,
  what: string,
): { kind: 'reject'; reason: string } {
  return {
    kind: 'reject',
    reason:
      `the ${what} is in ${currency}, the company reports in ${company.currency}, and the ` +
      `event carries no balance transaction in ${company.currency}: not recorded`,
  };
}

/** Distinct non-empty ids, in order. */
function refsOf(...ids: readonly (string | undefined)[]): string[] {
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

/** An id given as a string, or as an expanded object with an id. */
function idOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (isObject(value) && typeof value.id === 'string' && value.id !== '') return value.id;
  return undefined;
}

function requireId(value: unknown, path: string): string {
  const id = idOf(value);
  if (id === undefined || !/^[A-Za-z0-9_-]{1,200}$/.test(id)) {
    throw new Unreadable(`${path} is not a Stripe id`);
  }
  return id;
}

function createdAt(object: Json, path: string): Date {
  const created = object.created;
  if (typeof created !== 'number' || !Number.isSafeInteger(created) || created <= 0) {
    throw new Unreadable(`${path}.created is not a Unix timestamp in seconds`);
  }
  return new Date(created * 1000);
}

/** When an invoice was paid: `status_transitions.paid_at`, else its creation. */
function paidTime(invoice: Json): Date {
  const transitions = invoice.status_transitions;
  if (isObject(transitions) && typeof transitions.paid_at === 'number') {
    return createdAt({ created: transitions.paid_at }, 'data.object.status_transitions.paid_at');
  }
  return createdAt(invoice, 'data.object');
}

/** The event's own time (the moment Stripe saw the change), else the object's creation. */
function eventTime(body: Json, object: Json): string {
  if (typeof body.created === 'number') return createdAt(body, 'event').toISOString();
  return createdAt(object, 'data.object').toISOString();
}

function currencyOf(object: Json, path: string): string {
  const currency = object.currency;
  if (typeof currency !== 'string' || !/^[a-zA-Z]{3}$/.test(currency)) {
    throw new Unreadable(`${path}.currency is not a 3-letter currency code`);
  }
  return currency.toUpperCase();
}

function minorOf(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new Unreadable(`${path} is not a whole number of minor units ≥ 0`);
  }
  return value;
}

function customerOf(object: Json, fallbackId: string, emails: readonly unknown[]): string {
  const customer = idOf(object.customer);
  if (customer !== undefined) return customer;
  const email = emails.find((e): e is string => typeof e === 'string' && e.trim() !== '');
  if (email !== undefined) {
    const digest = createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
    return `email:${digest.slice(0, 32)}`;
  }
  return `guest:${fallbackId}`;
}
