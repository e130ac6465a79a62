import { ConflictError, NotFoundError, RuleViolationError } from '../events/errors';
import { PAYMENT_SOURCES, type PaymentEvent } from '../events/payment-events';
import {
  calendarDate,
  currency,
  entityId,
  money,
  oneOf,
  optional,
  text,
  validateFields,
} from '../events/wire';
import { currencyExponent } from '../shared/locale';
import { type Cents, formatCents } from '../shared/money';
import {
  type CorrectPayment,
  type DisputePayment,
  type PaymentCommand,
  type RecordPayment,
  type RefundPayment,
  type ReinstateDispute,
  type ReportRefundedTotal,
  type ReverseRefund,
  type VoidPayment,
} from './commands';
import { netCentsOf, type PaymentFacts, type PaymentState, type RecordedPayment } from './state';

export const CUSTOMER_ID_MAX = 200;
const SOURCE_REF_MAX = 200;
export const VOID_REASON_MAX = 500;
const REVERSAL_REASON_MAX = 200;

interface RawPaymentFields {
  readonly customer_id: unknown;
  readonly payment_date: unknown;
  readonly amount: unknown;
}

/**
 * DOMAIN.md's payment rules: customer id non-empty (trimmed, ≤ 200 characters), a real date,
 * amount ≥ 0 with at most the currency's decimals (`exponent`). Spread into `validateFields`
 * with further fields.
 */
function paymentFieldParsers(raw: RawPaymentFields, exponent: number) {
  return {
    customer_id: text(raw.customer_id, CUSTOMER_ID_MAX),
    payment_date: calendarDate(raw.payment_date),
    amount: money(raw.amount, 'non-negative', exponent),
  };
}

/** Digits of the payment's minor unit: its amounts are parsed and stored at that scale. */
const exponentOf = (payment: RecordedPayment): number => currencyExponent(payment.currency);

/**
 * The payment a command (other than RecordPayment) is about, before its amounts are read:
 * they are read in its currency. Validates the id first.
 */
function paymentOf(state: PaymentState, rawPaymentId: unknown): RecordedPayment {
  const { payment_id } = validateFields({ payment_id: entityId(rawPaymentId) });
  return requirePayment(state, payment_id);
}

/**
 * The same validation as RecordPayment, for an importer that must check a row (and derive its
 * id from the normalised values) before it has a command.
 */
export function parsePaymentFields(
  raw: RawPaymentFields,
  exponent: number,
): {
  customer_id: string;
  payment_date: string;
  amount: Cents;
} {
  return validateFields(paymentFieldParsers(raw, exponent));
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

/**
 * Idempotent: a re-delivery with the facts first recorded (or the current ones) is a no-op,
 * other facts conflict. Except for provisional facts (dated from a payment intent or an
 * invoice, not the charge): a provisional recording never changes a payment, and the
 * charge's own recording corrects a provisional payment to its facts. So one payment per
 * charge, dated by the charge, whichever of the processor's events arrive in whatever order.
 */
function recordPayment(command: RecordPayment, state: PaymentState): PaymentEvent[] {
  const { currency: code } = validateFields({ currency: currency(command.data.currency) });
  const exponent = currencyExponent(code);
  const input = validateFields({
    payment_id: entityId(command.data.payment_id),
    ...paymentFieldParsers(command.data, exponent),
    source: oneOf(command.data.source, PAYMENT_SOURCES),
    source_ref: optional(command.data.source_ref, (raw) => text(raw, SOURCE_REF_MAX)),
  });
  const provisional = command.data.provisional === true;
  const facts = {
    customerId: input.customer_id,
    paymentDate: input.payment_date,
    amountCents: input.amount,
  };
  if (state.exists) {
    const payment = requirePayment(state, input.payment_id);
    if (payment.currency !== code) {
      throw new ConflictError(
        'payment',
        { payment_id: input.payment_id },
        `already recorded in ${payment.currency}, not ${code}`,
      );
    }
    if (sameFacts(payment.original, facts) || sameFacts(payment, facts) || provisional) return [];
    if (payment.provisional && !payment.voided) {
      requireCoversDeductions(payment, input.amount);
      const { payment_id, customer_id, payment_date } = input;
      const amount = formatCents(input.amount, exponent);
      return [
        { type: 'PaymentCorrected', data: { payment_id, customer_id, payment_date, amount } },
      ];
    }
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
    amount: formatCents(input.amount, exponent),
    currency: code,
    source: input.source,
    ...(input.source_ref === undefined ? {} : { source_ref: input.source_ref }),
    ...(provisional ? { provisional: true as const } : {}),
  };
  return [{ type: 'PaymentRecorded', data }];
}

/** A new amount must still cover what refunds and chargebacks took off. */
function requireCoversDeductions(payment: RecordedPayment, amount: number): void {
  const deducted = payment.refundedCents + payment.disputedCents;
  if (amount < deducted) {
    const format = (cents: Cents) => formatCents(cents, exponentOf(payment));
    throw new RuleViolationError(
      'correction_below_refunds',
      `amount ${format(amount)} is less than the ${format(deducted)} already ` +
        'refunded or withdrawn by chargebacks',
    );
  }
}

/** Refunds may take the net to 0, never below (chargebacks count against it too). */
function requireRefundFits(payment: RecordedPayment, addedCents: number): void {
  const net = netCentsOf(payment);
  if (addedCents > net) {
    const format = (cents: Cents) => formatCents(cents, exponentOf(payment));
    throw new RuleViolationError(
      'refund_exceeds_payment',
      `refunds would total ${format(payment.refundedCents + addedCents)}, more than the ` +
        `payment's ${format(payment.amountCents)}` +
        (payment.disputedCents > 0
          ? ` less ${format(payment.disputedCents)} withdrawn by chargebacks`
          : ''),
    );
  }
}

/** A repeated refund id is a re-delivery: [] with the same amount, a conflict otherwise. */
function refundPayment(command: RefundPayment, state: PaymentState): PaymentEvent[] {
  const payment = paymentOf(state, command.data.payment_id);
  const exponent = exponentOf(payment);
  const input = validateFields({
    payment_id: entityId(command.data.payment_id),
    refund_id: entityId(command.data.refund_id),
    amount: money(command.data.amount, 'positive', exponent),
  });
  const earlier = payment.refunds.get(input.refund_id);
  if (earlier !== undefined) {
    // A refund reversed before its creation arrived (or since) stays reversed.
    if (earlier.amountCents === input.amount || earlier.reversed) return [];
    const key = { payment_id: input.payment_id, refund_id: input.refund_id };
    throw new ConflictError('refund', key, 'already recorded with a different amount');
  }
  requireNotVoided(payment, 'refunded');
  // Part of it may be in the net already, through a refunded total that named no refund.
  const covered = Math.min(input.amount, payment.unattributedCents);
  requireRefundFits(payment, input.amount - covered);
  const data = {
    ...input,
    amount: formatCents(input.amount, exponent),
    ...(covered > 0 ? { covered: formatCents(covered, exponent) } : {}),
  };
  return [{ type: 'PaymentRefunded', data }];
}

/**
 * A processor's refunded total: the rise over the refunds known (each by id, and earlier
 * totals) is one unattributed refund; a total at or below what is known changes nothing (a
 * failed refund comes back by its own event, by id).
 */
function reportRefundedTotal(command: ReportRefundedTotal, state: PaymentState): PaymentEvent[] {
  const payment = paymentOf(state, command.data.payment_id);
  const exponent = exponentOf(payment);
  const input = validateFields({
    payment_id: entityId(command.data.payment_id),
    refunded_total: money(command.data.refunded_total, 'non-negative', exponent),
  });
  const rise = input.refunded_total - payment.refundedCents;
  if (rise <= 0) return [];
  requireNotVoided(payment, 'refunded');
  requireRefundFits(payment, rise);
  const data = {
    payment_id: input.payment_id,
    refund_id: `total:${formatCents(input.refunded_total, exponent)}`,
    amount: formatCents(rise, exponent),
    unattributed: true as const,
  };
  return [{ type: 'PaymentRefunded', data }];
}

/**
 * A refund that failed or was canceled. Recorded: its amount goes back on the net. Known only
 * through a refunded total: as much of the unattributed amount as it accounts for. Not known
 * at all (its failure arrived first): remembered with nothing to put back, so its creation,
 * arriving later, records nothing.
 */
function reverseRefund(command: ReverseRefund, state: PaymentState): PaymentEvent[] {
  const payment = paymentOf(state, command.data.payment_id);
  const exponent = exponentOf(payment);
  const input = validateFields({
    payment_id: entityId(command.data.payment_id),
    refund_id: entityId(command.data.refund_id),
    amount: money(command.data.amount, 'non-negative', exponent),
    reason: text(command.data.reason, REVERSAL_REASON_MAX),
  });
  const earlier = payment.refunds.get(input.refund_id);
  if (earlier?.reversed === true) return [];
  const base = { payment_id: input.payment_id, refund_id: input.refund_id, reason: input.reason };
  if (earlier !== undefined) {
    return [
      {
        type: 'PaymentRefundReversed',
        data: { ...base, amount: formatCents(earlier.amountCents, exponent) },
      },
    ];
  }
  const fromTotal = Math.min(input.amount, payment.unattributedCents);
  return [
    {
      type: 'PaymentRefundReversed',
      data: {
        ...base,
        amount: formatCents(fromTotal, exponent),
        ...(fromTotal > 0 ? { from_total: true as const } : {}),
      },
    },
  ];
}

/**
 * A chargeback's funds withdrawn, once per dispute (a re-delivery is a no-op): the net drops
 * by the amount, never below 0, so what is recorded is what was applied.
 */
function disputeInput(command: DisputePayment | ReinstateDispute, payment: RecordedPayment) {
  return validateFields({
    payment_id: entityId(command.data.payment_id),
    dispute_id: entityId(command.data.dispute_id),
    amount: money(command.data.amount, 'non-negative', exponentOf(payment)),
  });
}

function disputePayment(command: DisputePayment, state: PaymentState): PaymentEvent[] {
  const payment = paymentOf(state, command.data.payment_id);
  const input = disputeInput(command, payment);
  if (payment.disputes.has(input.dispute_id)) return [];
  const applied = Math.min(input.amount, Math.max(0, netCentsOf(payment)));
  const data = { ...input, amount: formatCents(applied, exponentOf(payment)) };
  return [{ type: 'PaymentDisputed', data }];
}

/**
 * A won chargeback's funds reinstated, once per dispute, at most what it withdrew.
 * @throws NotFoundError when no withdrawal of this dispute is recorded (yet).
 */
function reinstateDispute(command: ReinstateDispute, state: PaymentState): PaymentEvent[] {
  const payment = paymentOf(state, command.data.payment_id);
  const input = disputeInput(command, payment);
  const dispute = payment.disputes.get(input.dispute_id);
  if (dispute === undefined) {
    throw new NotFoundError('dispute', {
      payment_id: input.payment_id,
      dispute_id: input.dispute_id,
    });
  }
  // Once per dispute, even when it put nothing back (a withdrawal of 0): a re-delivery is a no-op.
  if (dispute.reinstated) return [];
  const applied = Math.min(input.amount, dispute.withdrawnCents);
  const data = { ...input, amount: formatCents(applied, exponentOf(payment)) };
  return [{ type: 'PaymentDisputeReinstated', data }];
}

function correctPayment(command: CorrectPayment, state: PaymentState): PaymentEvent[] {
  const payment = paymentOf(state, command.data.payment_id);
  const exponent = exponentOf(payment);
  const input = validateFields({
    payment_id: entityId(command.data.payment_id),
    ...paymentFieldParsers(command.data, exponent),
  });
  requireNotVoided(payment, 'corrected');
  requireCoversDeductions(payment, input.amount);
  const facts = {
    customerId: input.customer_id,
    paymentDate: input.payment_date,
    amountCents: input.amount,
  };
  if (sameFacts(payment, facts)) return [];
  const amount = formatCents(input.amount, exponent);
  return [{ type: 'PaymentCorrected', data: { ...input, amount } }];
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
    case 'ReportRefundedTotal':
      return reportRefundedTotal(command, state);
    case 'ReverseRefund':
      return reverseRefund(command, state);
    case 'DisputePayment':
      return disputePayment(command, state);
    case 'ReinstateDispute':
      return reinstateDispute(command, state);
    case 'CorrectPayment':
      return correctPayment(command, state);
    case 'VoidPayment':
      return voidPayment(command, state);
  }
}
