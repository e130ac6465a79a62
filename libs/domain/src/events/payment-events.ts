import { type Event } from './message';

/**
 * Events of a payment stream `payment-<companyId>-<paymentId>` (see stream-ids.ts). Money is
 * a decimal string with 2 decimals, dates are "YYYY-MM-DD".
 */

export const PAYMENT_SOURCES = ['api', 'csv', 'stripe'] as const;
export type PaymentSource = (typeof PAYMENT_SOURCES)[number];

export type PaymentRecorded = Event<
  'PaymentRecorded',
  {
    payment_id: string;
    customer_id: string;
    payment_date: string;
    amount: string;
    /**
     * The company's currency (ISO 4217): every amount of this payment's stream is in it.
     * Absent in payments recorded before companies had currencies: those are USD.
     */
    currency?: string;
    source: PaymentSource;
    /** Where the payment came from: a Stripe object id, a file name and row, … */
    source_ref?: string;
    /**
     * Dated from a related object rather than the payment itself (a Stripe payment intent or
     * invoice whose charge has not arrived): the charge's own recording then corrects the
     * facts instead of conflicting with them.
     */
    provisional?: true;
  }
>;

/**
 * A refund: net reduced by `amount` less `covered`. `covered` is the part of it already
 * counted through a processor's refunded total (an `unattributed` refund below) before this
 * refund's own event came. `unattributed`: the amount is the rise in a charge's refunded total
 * (Stripe's charge.refunded without its refund list); `refund_id` is then `total:<total>`.
 */
export type PaymentRefunded = Event<
  'PaymentRefunded',
  {
    payment_id: string;
    refund_id: string;
    amount: string;
    covered?: string;
    unattributed?: true;
  }
>;

/**
 * A refund that failed or was canceled after it was recorded: net restored by `amount`.
 * For a refund never recorded (its failure came first) `amount` is "0.00" and the refund id
 * is remembered, so its late creation changes nothing; `from_total` when the refund was
 * known only through a refunded total (the unattributed amount shrinks by `amount`).
 */
export type PaymentRefundReversed = Event<
  'PaymentRefundReversed',
  { payment_id: string; refund_id: string; amount: string; reason: string; from_total?: true }
>;

/** A chargeback's funds withdrawn: net reduced by `amount` (at most the net at the time). */
export type PaymentDisputed = Event<
  'PaymentDisputed',
  { payment_id: string; dispute_id: string; amount: string }
>;

/** A won chargeback's funds reinstated: net restored by `amount` (at most what was withdrawn). */
export type PaymentDisputeReinstated = Event<
  'PaymentDisputeReinstated',
  { payment_id: string; dispute_id: string; amount: string }
>;

/** A full replacement of the corrected fields, so a reader never needs a diff. */
export type PaymentCorrected = Event<
  'PaymentCorrected',
  { payment_id: string; customer_id: string; payment_date: string; amount: string }
>;

export type PaymentVoided = Event<'PaymentVoided', { payment_id: string; reason: string }>;

export type PaymentEvent =
  | PaymentRecorded
  | PaymentRefunded
  | PaymentRefundReversed
  | PaymentDisputed
  | PaymentDisputeReinstated
  | PaymentCorrected
  | PaymentVoided;

export type PaymentEventType = PaymentEvent['type'];

const paymentEventTypes: Readonly<Record<PaymentEventType, true>> = {
  PaymentRecorded: true,
  PaymentRefunded: true,
  PaymentRefundReversed: true,
  PaymentDisputed: true,
  PaymentDisputeReinstated: true,
  PaymentCorrected: true,
  PaymentVoided: true,
};

export const PAYMENT_EVENT_TYPES = Object.keys(paymentEventTypes) as readonly PaymentEventType[];

export function isPaymentEventType(type: string): type is PaymentEventType {
  return Object.hasOwn(paymentEventTypes, type);
}
