import { type PaymentEvent, type PaymentSource } from '../events/payment-events';
import { storedCents } from '../events/wire';
import { DEFAULT_CURRENCY } from '../shared/locale';
import { type Cents } from '../shared/money';

/** The facts a payment consists of (what a correction replaces). */
export interface PaymentFacts {
  readonly customerId: string;
  /** `YYYY-MM-DD` */
  readonly paymentDate: string;
  readonly amountCents: Cents;
}

/** A refund by id: its amount, and whether it failed or was canceled since. */
export interface RefundEntry {
  readonly amountCents: Cents;
  readonly reversed: boolean;
}

/** A chargeback by id: what was withdrawn from the net and what was put back since. */
export interface DisputeEntry {
  readonly withdrawnCents: Cents;
  readonly reinstatedCents: Cents;
}

export interface RecordedPayment extends PaymentFacts {
  readonly exists: true;
  readonly paymentId: string;
  /** The company's currency (ISO 4217) when recorded: every amount of the stream is in it. */
  readonly currency: string;
  readonly source: PaymentSource;
  /** The facts came from a related object (PaymentRecorded.provisional), not yet the charge. */
  readonly provisional: boolean;
  /**
   * The facts as first recorded. A re-delivery (the same file uploaded again, a webhook
   * retried) is compared with these, not with the corrected facts, so that it stays a no-op
   * after a correction instead of turning into a conflict.
   */
  readonly original: PaymentFacts;
  /** What refunds take off the net: the refunds not reversed, and the unattributed amount. */
  readonly refundedCents: Cents;
  /** Every refund by id, reversed ones included: a repeated refund id is a re-delivery. */
  readonly refunds: ReadonlyMap<string, RefundEntry>;
  /** Refunded per a processor's total but not yet tied to a refund id (ReportRefundedTotal). */
  readonly unattributedCents: Cents;
  /** What chargebacks take off the net now: withdrawn less reinstated. */
  readonly disputedCents: Cents;
  readonly disputes: ReadonlyMap<string, DisputeEntry>;
  readonly voided: boolean;
}

/** amount − refunds − chargebacks: what the payment is worth to its cohort. */
export const netCentsOf = (payment: RecordedPayment): Cents =>
  payment.amountCents - payment.refundedCents - payment.disputedCents;

export type PaymentState = { readonly exists: false } | RecordedPayment;

export const initialPaymentState: PaymentState = { exists: false };

/** A chargeback's withdrawal or reinstatement folded into the payment. */
function withDispute(
  payment: RecordedPayment,
  data: { readonly dispute_id: string; readonly amount: string },
  move: 'withdrawn' | 'reinstated',
): RecordedPayment {
  const cents = storedCents(data.amount);
  const earlier = payment.disputes.get(data.dispute_id) ?? {
    withdrawnCents: 0,
    reinstatedCents: 0,
  };
  const entry =
    move === 'withdrawn'
      ? { ...earlier, withdrawnCents: earlier.withdrawnCents + cents }
      : { ...earlier, reinstatedCents: earlier.reinstatedCents + cents };
  return {
    ...payment,
    disputedCents: payment.disputedCents + (move === 'withdrawn' ? cents : -cents),
    disputes: new Map(payment.disputes).set(data.dispute_id, entry),
  };
}

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
        currency: event.data.currency ?? DEFAULT_CURRENCY,
        source: event.data.source,
        provisional: event.data.provisional === true,
        ...facts,
        original: facts,
        refundedCents: 0,
        refunds: new Map(),
        unattributedCents: 0,
        disputedCents: 0,
        disputes: new Map(),
        voided: false,
      };
    }
    case 'PaymentRefunded': {
      const payment = requireRecorded(state, event);
      const cents = storedCents(event.data.amount);
      if (event.data.unattributed === true) {
        return {
          ...payment,
          refundedCents: payment.refundedCents + cents,
          unattributedCents: payment.unattributedCents + cents,
        };
      }
      const covered = event.data.covered === undefined ? 0 : storedCents(event.data.covered);
      return {
        ...payment,
        refundedCents: payment.refundedCents + cents - covered,
        unattributedCents: payment.unattributedCents - covered,
        refunds: new Map(payment.refunds).set(event.data.refund_id, {
          amountCents: cents,
          reversed: false,
        }),
      };
    }
    case 'PaymentRefundReversed': {
      const payment = requireRecorded(state, event);
      const cents = storedCents(event.data.amount);
      const known = payment.refunds.get(event.data.refund_id);
      return {
        ...payment,
        refundedCents: payment.refundedCents - cents,
        unattributedCents:
          event.data.from_total === true
            ? payment.unattributedCents - cents
            : payment.unattributedCents,
        refunds: new Map(payment.refunds).set(event.data.refund_id, {
          amountCents: known?.amountCents ?? cents,
          reversed: true,
        }),
      };
    }
    case 'PaymentDisputed':
      return withDispute(requireRecorded(state, event), event.data, 'withdrawn');
    case 'PaymentDisputeReinstated':
      return withDispute(requireRecorded(state, event), event.data, 'reinstated');
    case 'PaymentCorrected':
      return {
        ...requireRecorded(state, event),
        provisional: false,
        customerId: event.data.customer_id,
        paymentDate: event.data.payment_date,
        amountCents: storedCents(event.data.amount),
      };
    case 'PaymentVoided':
      return { ...requireRecorded(state, event), voided: true };
  }
}
