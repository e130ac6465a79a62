/**
 * The port every payment processor's webhooks come through (ARCHITECTURE.md: "Payment
 * processors sit behind one port"). An implementation knows its signature scheme and what
 * its events mean; WebhookIntake does the rest (the company, replays, the delivery log, the
 * payment commands, alerts) the same way for every processor. A second processor is a second
 * implementation registered in PAYMENT_PROCESSORS, not edits across the intake.
 */

/** What a processor's events are read against: the company's currency and time zone. */
import { type CompanyLocale } from '../commands/company-streams';

export type { CompanyLocale };

export interface SignedDelivery {
  /** The signature header's value, as sent. */
  readonly signature: string | undefined;
  /** The body exactly as received: a re-serialised JSON would not verify. */
  readonly rawBody: Buffer;
  readonly secrets: readonly string[];
  readonly nowSeconds: number;
  readonly toleranceSeconds: number;
}

export type SignatureVerdict =
  { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** A delivery's envelope: the processor's event id (its idempotency key) and type. */
export interface ProcessorEvent {
  readonly id: string;
  readonly type: string;
  /** The whole event, parsed; interpret() reads it. */
  readonly body: Readonly<Record<string, unknown>>;
}

/**
 * `refs`: the ids the processor gives the money. refs[0] is the one every event of that money
 * names (Stripe: the PaymentIntent, else the charge): the payment is recorded under it, so
 * events agree on one payment whichever arrives first, without a lookup. The others (the
 * charge, an invoice) are ids an earlier version may have recorded it under. Amounts are in
 * the company's minor unit.
 */
interface PaymentRefs {
  readonly refs: readonly string[];
  /** When the processor says it happened (ISO-8601). */
  readonly occurredAt: string;
}

export type PaymentAction =
  | (PaymentRefs & {
      readonly kind: 'record';
      readonly customerId: string;
      /** `YYYY-MM-DD` in the company's zone. */
      readonly paymentDate: string;
      readonly amountMinor: number;
      /** Dated from a related object, not the charge: the charge's own event corrects it. */
      readonly provisional: boolean;
      /** The processor object the facts came from. */
      readonly sourceRef: string;
    })
  | (PaymentRefs & {
      readonly kind: 'refund';
      readonly refundId: string;
      readonly amountMinor: number;
    })
  | (PaymentRefs & { readonly kind: 'refunded_total'; readonly totalMinor: number })
  | (PaymentRefs & {
      readonly kind: 'reverse_refund';
      readonly refundId: string;
      readonly amountMinor: number;
      readonly reason: string;
    })
  | (PaymentRefs & {
      readonly kind: 'dispute' | 'reinstate';
      readonly disputeId: string;
      readonly amountMinor: number;
    });

/**
 * What an event means: payment actions; nothing (a type that moves no money, a charge not
 * captured yet); or a refusal with its reason (money we must not record as it stands: another
 * currency without a settlement in the company's, a payload without the fields it needs).
 * A refusal is answered 2xx (retrying would not change it), kept and alerted on.
 */
export type Interpretation =
  | { readonly kind: 'actions'; readonly actions: readonly PaymentAction[] }
  | { readonly kind: 'ignore'; readonly reason: string }
  | { readonly kind: 'reject'; readonly reason: string };

export interface PaymentProcessor {
  /** In the webhook route (`/webhooks/{company}/{name}`) and the delivery log. */
  readonly name: string;
  /** The request header that carries the signature (lower case). */
  readonly signatureHeader: string;
  verify(delivery: SignedDelivery): SignatureVerdict;
  /** @throws ValidationError when the body is not one of the processor's events. */
  parse(rawBody: Buffer): ProcessorEvent;
  /** Pure: the same event and company always mean the same. */
  interpret(event: ProcessorEvent, company: CompanyLocale): Interpretation;
}

export const PAYMENT_PROCESSORS = Symbol.for('cvf.ingest.PaymentProcessors');
