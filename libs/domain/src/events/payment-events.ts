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
    source: PaymentSource;
    /** Where the payment came from: a Stripe object id, a file name and row, … */
    source_ref?: string;
  }
>;

export type PaymentRefunded = Event<
  'PaymentRefunded',
  { payment_id: string; refund_id: string; amount: string }
>;

/** A full replacement of the corrected fields, so a reader never needs a diff. */
export type PaymentCorrected = Event<
  'PaymentCorrected',
  { payment_id: string; customer_id: string; payment_date: string; amount: string }
>;

export type PaymentVoided = Event<'PaymentVoided', { payment_id: string; reason: string }>;

export type PaymentEvent = PaymentRecorded | PaymentRefunded | PaymentCorrected | PaymentVoided;

export type PaymentEventType = PaymentEvent['type'];

const paymentEventTypes: Readonly<Record<PaymentEventType, true>> = {
  PaymentRecorded: true,
  PaymentRefunded: true,
  PaymentCorrected: true,
  PaymentVoided: true,
};

export const PAYMENT_EVENT_TYPES = Object.keys(paymentEventTypes) as readonly PaymentEventType[];

export function isPaymentEventType(type: string): type is PaymentEventType {
  return Object.hasOwn(paymentEventTypes, type);
}
