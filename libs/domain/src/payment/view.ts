import { type PaymentEvent } from '../events/payment-events';
import { type Cents } from '../shared/money';
import { evolvePayment, initialPaymentState } from './state';

/** One payment as the read side stores it: the fold of its stream. */
export interface PaymentView {
  readonly paymentId: string;
  /** ISO 4217: the currency of every amount below (in its minor units). */
  readonly currency: string;
  readonly customerId: string;
  /** `YYYY-MM-DD` */
  readonly paymentDate: string;
  readonly amountCents: Cents;
  readonly refundedCents: Cents;
  readonly disputedCents: Cents;
  readonly voided: boolean;
}

/** Null when the events hold no PaymentRecorded (an empty or not yet created stream). */
export function paymentView(events: readonly PaymentEvent[]): PaymentView | null {
  const state = events.reduce(evolvePayment, initialPaymentState);
  if (!state.exists) return null;
  return {
    paymentId: state.paymentId,
    currency: state.currency,
    customerId: state.customerId,
    paymentDate: state.paymentDate,
    amountCents: state.amountCents,
    refundedCents: state.refundedCents,
    disputedCents: state.disputedCents,
    voided: state.voided,
  };
}
