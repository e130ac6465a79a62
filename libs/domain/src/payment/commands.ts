import { type Command } from '../events/message';
import { type PaymentSource } from '../events/payment-events';

/**
 * Commands on one payment stream. Like the company commands they carry the raw wire values
 * (amount as a decimal string, date as "YYYY-MM-DD"); the decider validates them. Every
 * command names its payment: the handler needs the id to find the stream anyway.
 */

export type RecordPayment = Command<
  'RecordPayment',
  {
    payment_id: string;
    customer_id: string;
    payment_date: string;
    amount: string;
    /** The company's currency: the amount is read at its scale; must match a recorded one. */
    currency: string;
    source: PaymentSource;
    source_ref?: string;
    /** See PaymentRecorded.provisional. */
    provisional?: boolean;
  }
>;

export type RefundPayment = Command<
  'RefundPayment',
  { payment_id: string; refund_id: string; amount: string }
>;

/**
 * A processor's total refunded for the payment (Stripe's `amount_refunded`) when its events
 * do not list the refunds: the rise over what is known is recorded as one refund.
 */
export type ReportRefundedTotal = Command<
  'ReportRefundedTotal',
  { payment_id: string; refunded_total: string }
>;

/** The refund failed or was canceled: whatever it took off the net is put back. */
export type ReverseRefund = Command<
  'ReverseRefund',
  { payment_id: string; refund_id: string; amount: string; reason: string }
>;

/** A chargeback's funds withdrawn. */
export type DisputePayment = Command<
  'DisputePayment',
  { payment_id: string; dispute_id: string; amount: string }
>;

/** A chargeback's funds reinstated. */
export type ReinstateDispute = Command<
  'ReinstateDispute',
  { payment_id: string; dispute_id: string; amount: string }
>;

/** Replaces customer, date and amount; the source of the payment stays what it was. */
export type CorrectPayment = Command<
  'CorrectPayment',
  { payment_id: string; customer_id: string; payment_date: string; amount: string }
>;

export type VoidPayment = Command<'VoidPayment', { payment_id: string; reason: string }>;

export type PaymentCommand =
  | RecordPayment
  | RefundPayment
  | ReportRefundedTotal
  | ReverseRefund
  | DisputePayment
  | ReinstateDispute
  | CorrectPayment
  | VoidPayment;
