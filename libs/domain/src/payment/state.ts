import { type PaymentEvent, type PaymentSource } from '../events/payment-events';
import { storedCents } from '../events/wire';
import { type Cents } from '../shared/money';

/** The facts a payment consists of (what a correction replaces). */
export interface PaymentFacts {
  readonly customerId: string;
  /** `YYYY-MM-DD` */
  readonly paymentDate: string;
  readonly amountCents: Cents;
}

export interface RecordedPayment extends PaymentFacts {
  readonly exists: true;
  readonly paymentId: string;
  readonly source: PaymentSource;
  /**
   * The facts as first recorded. A re-delivery (the same file uploaded again, a webhook
   * retried) is compared with these, not with the corrected facts, so that it stays a no-op
   * after a correction instead of turning into a conflict.
   */
  readonly original: PaymentFacts;
  /** Sum of all refunds. */
  readonly refundedCents: Cents;
  /** Amount of each refund by refund id: a repeated refund id is a re-delivery. */
  readonly refunds: ReadonlyMap<string, Cents>;
  readonly voided: boolean;
}

export type PaymentState = { readonly exists: false } | RecordedPayment;

export const initialPaymentState: PaymentState = { exists: false };

/** The decider never emits these out of order; a log that has them is corrupt. */
function requireRecorded(state: PaymentState, event: PaymentEvent): RecordedPayment {
  if (!state.exists) {
    throw new Error(`payment stream corrupt: ${event.type} before PaymentRecorded`);
  }
  return state;
}

export function evolvePayment(state: PaymentState, event: PaymentEvent): PaymentState {
  switch (event.type) {
    case 'PaymentRecorded': {
      if (state.exists) throw new Error('payment stream corrupt: PaymentRecorded twice');
      const facts: PaymentFacts = {
        customerId: event.data.customer_id,
        paymentDate: event.data.payment_date,
        amountCents: storedCents(event.data.amount),
      };
      return {
        exists: true,
        paymentId: event.data.payment_id,
        source: event.data.source,
        ...facts,
        original: facts,
        refundedCents: 0,
        refunds: new Map(),
        voided: false,
      };
    }
    case 'PaymentRefunded': {
      const payment = requireRecorded(state, event);
      const cents = storedCents(event.data.amount);
      return {
        ...payment,
        refundedCents: payment.refundedCents + cents,
        refunds: new Map(payment.refunds).set(event.data.refund_id, cents),
      };
    }
    case 'PaymentCorrected':
      return {
        ...requireRecorded(state, event),
        customerId: event.data.customer_id,
        paymentDate: event.data.payment_date,
        amountCents: storedCents(event.data.amount),
      };
    case 'PaymentVoided':
      return { ...requireRecorded(state, event), voided: true };
  }
}
