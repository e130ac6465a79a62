import { ConflictError, NotFoundError, RuleViolationError } from '../events/errors';
import { PAYMENT_SOURCES, type PaymentEvent } from '../events/payment-events';
import {
  calendarDate,
  entityId,
  money,
  oneOf,
  optional,
  text,
  validateFields,
} from '../events/wire';
import { type Cents, formatCents } from '../shared/money';
import {
  type CorrectPayment,
  type PaymentCommand,
  type RecordPayment,
  type RefundPayment,
  type VoidPayment,
} from './commands';
import { type PaymentFacts, type PaymentState, type RecordedPayment } from './state';

const CUSTOMER_ID_MAX = 200;
const SOURCE_REF_MAX = 200;
const VOID_REASON_MAX = 500;

interface RawPaymentFields {
  readonly customer_id: unknown;
  readonly payment_date: unknown;
  readonly amount: unknown;
}

/**
 * DOMAIN.md's payment rules: customer id non-empty (trimmed, ≤ 200 characters), a real date,
 * amount ≥ 0 with at most 2 decimals. Spread into `validateFields` with further fields.
 */
function paymentFieldParsers(raw: RawPaymentFields) {
  return {
    customer_id: text(raw.customer_id, CUSTOMER_ID_MAX),
    payment_date: calendarDate(raw.payment_date),
    amount: money(raw.amount, 'non-negative'),
  };
}

/**
 * The same validation as RecordPayment, for an importer that must check a row (and derive its
 * id from the normalised values) before it has a command.
 */
export function parsePaymentFields(raw: RawPaymentFields): {
  customer_id: string;
  payment_date: string;
  amount: Cents;
} {
  return validateFields(paymentFieldParsers(raw));
}

/**
 * The PaymentRecorded fields that say which payment an event records: two recordings of a
 * payment id are the same payment exactly when these agree (`sameFacts` below). A bulk
 * importer compares them in storage first and asks the decider about the rest.
 */
export const PAYMENT_FACT_FIELDS = ['customer_id', 'payment_date', 'amount'] as const;

function sameFacts(a: PaymentFacts, b: PaymentFacts): boolean {
  return (
    a.customerId === b.customerId &&
    a.paymentDate === b.paymentDate &&
    a.amountCents === b.amountCents
  );
}

function requirePayment(state: PaymentState, paymentId: string): RecordedPayment {
  if (!state.exists) throw new NotFoundError('payment', { payment_id: paymentId });
  // The handler chose the stream from this id; a mismatch is a wiring bug, not bad input.
  if (state.paymentId !== paymentId) {
    throw new Error(`payment stream of ${state.paymentId} given a command for ${paymentId}`);
  }
  return state;
}

function requireNotVoided(payment: RecordedPayment, action: string): void {
  if (payment.voided) {
    throw new RuleViolationError(
      'payment_voided',
      `payment ${payment.paymentId} is voided and cannot be ${action}`,
    );
  }
}

/** Idempotent: a re-delivery with the facts first recorded is a no-op, other facts conflict. */
function recordPayment(command: RecordPayment, state: PaymentState): PaymentEvent[] {
  const input = validateFields({
    payment_id: entityId(command.data.payment_id),
    ...paymentFieldParsers(command.data),
    source: oneOf(command.data.source, PAYMENT_SOURCES),
    source_ref: optional(command.data.source_ref, (raw) => text(raw, SOURCE_REF_MAX)),
  });
  const facts = {
    customerId: input.customer_id,
    paymentDate: input.payment_date,
    amountCents: input.amount,
  };
  if (state.exists) {
    const payment = requirePayment(state, input.payment_id);
    if (sameFacts(payment.original, facts)) return [];
    throw new ConflictError(
      'payment',
      { payment_id: input.payment_id },
      'already recorded with a different customer, date or amount',
    );
  }
  const data = {
    payment_id: input.payment_id,
    customer_id: input.customer_id,
    payment_date: input.payment_date,
    amount: formatCents(input.amount),
    source: input.source,
    ...(input.source_ref === undefined ? {} : { source_ref: input.source_ref }),
  };
  return [{ type: 'PaymentRecorded', data }];
}

/** A repeated refund id is a re-delivery: [] with the same amount, a conflict otherwise. */
function refundPayment(command: RefundPayment, state: PaymentState): PaymentEvent[] {
  const input = validateFields({
    payment_id: entityId(command.data.payment_id),
    refund_id: entityId(command.data.refund_id),
    amount: money(command.data.amount, 'positive'),
  });
  const payment = requirePayment(state, input.payment_id);
  const earlier = payment.refunds.get(input.refund_id);
  if (earlier !== undefined) {
    if (earlier === input.amount) return [];
    const key = { payment_id: input.payment_id, refund_id: input.refund_id };
    throw new ConflictError('refund', key, 'already recorded with a different amount');
  }
  requireNotVoided(payment, 'refunded');
  const total = payment.refundedCents + input.amount;
  if (total > payment.amountCents) {
    throw new RuleViolationError(
      'refund_exceeds_payment',
      `refunds would total ${formatCents(total)}, more than the payment's ` +
        formatCents(payment.amountCents),
    );
  }
  const data = { ...input, amount: formatCents(input.amount) };
  return [{ type: 'PaymentRefunded', data }];
}

function correctPayment(command: CorrectPayment, state: PaymentState): PaymentEvent[] {
  const input = validateFields({
    payment_id: entityId(command.data.payment_id),
    ...paymentFieldParsers(command.data),
  });
  const payment = requirePayment(state, input.payment_id);
  requireNotVoided(payment, 'corrected');
  if (input.amount < payment.refundedCents) {
    throw new RuleViolationError(
      'correction_below_refunds',
      `amount ${formatCents(input.amount)} is less than the ` +
        `${formatCents(payment.refundedCents)} already refunded`,
    );
  }
  const facts = {
    customerId: input.customer_id,
    paymentDate: input.payment_date,
    amountCents: input.amount,
  };
  if (sameFacts(payment, facts)) return [];
  return [{ type: 'PaymentCorrected', data: { ...input, amount: formatCents(input.amount) } }];
}

/** Voiding twice changes nothing, so the second is a no-op. */
function voidPayment(command: VoidPayment, state: PaymentState): PaymentEvent[] {
  const input = validateFields({
    payment_id: entityId(command.data.payment_id),
    reason: text(command.data.reason, VOID_REASON_MAX),
  });
  const payment = requirePayment(state, input.payment_id);
  return payment.voided ? [] : [{ type: 'PaymentVoided', data: input }];
}

export function decidePayment(command: PaymentCommand, state: PaymentState): PaymentEvent[] {
  switch (command.type) {
    case 'RecordPayment':
      return recordPayment(command, state);
    case 'RefundPayment':
      return refundPayment(command, state);
    case 'CorrectPayment':
      return correctPayment(command, state);
    case 'VoidPayment':
      return voidPayment(command, state);
  }
}
