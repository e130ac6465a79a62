import { randomUUID } from 'node:crypto';
import {
  buildCohortTotals,
  type CohortTotals,
  type CompanyEvent,
  companyStreamId,
  CURRENT_SCHEMA_VERSION,
  type DomainEvent,
  formatCents,
  formatMonth,
  isPaymentEvent,
  type MonthIndex,
  type NetPayment,
  type PaymentEvent,
  paymentStreamId,
  paymentView,
} from '@cvf/domain';
import {
  type EventStore,
  type LogPosition,
  type NewEvent,
  type RecordedEvent,
} from '@cvf/event-store';

/** Test builders: domain events as the store takes them and as it hands them back. */

export interface StreamEvent {
  readonly streamId: string;
  readonly companyId: string;
  readonly event: DomainEvent;
}

export const companyEvent = (companyId: string, event: CompanyEvent): StreamEvent => ({
  streamId: companyStreamId(companyId),
  companyId,
  event,
});

export const paymentEvent = (
  companyId: string,
  paymentId: string,
  event: PaymentEvent,
): StreamEvent => ({ streamId: paymentStreamId(companyId, paymentId), companyId, event });

export function toNewEvent({ companyId, event }: StreamEvent): NewEvent {
  return {
    eventId: randomUUID(),
    type: event.type,
    schemaVersion: CURRENT_SCHEMA_VERSION[event.type],
    data: event.data,
    metadata: {
      companyId,
      occurredAt: '2026-01-15T10:00:00.000Z',
      actor: 'test',
      causationId: null,
      correlationId: null,
    },
  };
}

/**
 * Appends `events` keeping their order in the log. One `appendMany` takes a stream once, so
 * the events are cut into calls wherever a stream comes back after another one.
 */
export async function appendInOrder(
  store: Pick<EventStore, 'appendMany'>,
  events: readonly StreamEvent[],
): Promise<void> {
  let batch: { streamId: string; events: NewEvent[] }[] = [];
  let seen = new Set<string>();
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    await store.appendMany(batch.map((entry) => ({ ...entry, expected: { kind: 'any' } })));
    batch = [];
    seen = new Set();
  };
  for (const event of events) {
    const last = batch.at(-1);
    if (last?.streamId === event.streamId) {
      last.events.push(toNewEvent(event));
      continue;
    }
    if (seen.has(event.streamId)) await flush();
    seen.add(event.streamId);
    batch.push({ streamId: event.streamId, events: [toNewEvent(event)] });
  }
  await flush();
}

/**
 * Waits until the log shows `count` events after `after`. Readers only see events below the
 * oldest transaction still open anywhere in the cluster, so another process's long
 * transaction can hide fresh appends for a while.
 */
export async function waitUntilVisible(
  store: Pick<EventStore, 'readAll'>,
  count: number,
  after: LogPosition | null = null,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let seen = 0;
    let checkpoint = after;
    for (;;) {
      const page = await store.readAll(checkpoint, 10_000);
      if (page.events.length === 0) break;
      seen += page.events.length;
      checkpoint = page.checkpoint;
    }
    if (seen >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${seen} of ${count} events became visible`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Hands out log positions like the store would, without a database. */
export class SyntheticLog {
  private transactionId = 1_000n;
  private globalPosition = 0n;
  private readonly versions = new Map<string, number>();

  record(events: readonly StreamEvent[]): RecordedEvent[] {
    return events.map((e) => {
      this.transactionId += 1n;
      this.globalPosition += 1n;
      const streamVersion = (this.versions.get(e.streamId) ?? 0) + 1;
      this.versions.set(e.streamId, streamVersion);
      return {
        ...toNewEvent(e),
        streamId: e.streamId,
        streamVersion,
        globalPosition: this.globalPosition.toString(),
        transactionId: this.transactionId.toString(),
        recordedAt: '2026-01-15T10:00:01.000Z',
      };
    });
  }
}

/** A payment operation against a random history; inapplicable ones are dropped. */
export type PaymentOp =
  | { kind: 'record'; customer: number; month: number; day: number; cents: number }
  | { kind: 'refund'; target: number; cents: number }
  /** Reverses the target's latest refund that is not reversed yet. */
  | { kind: 'reverse'; target: number }
  /** Withdraws up to `cents` by a chargeback, or reinstates the target's open one. */
  | { kind: 'dispute'; target: number; cents: number }
  | { kind: 'correct'; target: number; customer: number; month: number; day: number; cents: number }
  | { kind: 'void'; target: number };

const FIRST_MONTH: MonthIndex = 2020 * 12;

const dateOf = (month: number, day: number): string =>
  `${formatMonth(FIRST_MONTH + month).slice(0, 8)}${String(day).padStart(2, '0')}`;

/** Valid payment events (the deciders' rules hold) from random operations. */
export function paymentEvents(companyId: string, ops: readonly PaymentOp[]): StreamEvent[] {
  const payments: {
    id: string;
    amount: number;
    refunded: number;
    refunds: { id: string; cents: number }[];
    disputed: number;
    dispute: { id: string; cents: number; reinstated: boolean } | null;
    voided: boolean;
  }[] = [];
  const events: StreamEvent[] = [];
  for (const op of ops) {
    if (op.kind === 'record') {
      const id = `p${payments.length}`;
      payments.push({
        id,
        amount: op.cents,
        refunded: 0,
        refunds: [],
        disputed: 0,
        dispute: null,
        voided: false,
      });
      events.push(
        paymentEvent(companyId, id, {
          type: 'PaymentRecorded',
          data: {
            payment_id: id,
            customer_id: `cus${op.customer}`,
            payment_date: dateOf(op.month, op.day),
            amount: formatCents(op.cents, 2),
            source: 'api',
          },
        }),
      );
      continue;
    }
    const target = payments[op.target % Math.max(payments.length, 1)];
    if (!target || target.voided) continue;
    if (op.kind === 'refund') {
      const cents = Math.min(op.cents, target.amount - target.refunded - target.disputed);
      if (cents <= 0) continue;
      target.refunded += cents;
      const refundId = randomUUID();
      target.refunds.push({ id: refundId, cents });
      events.push(
        paymentEvent(companyId, target.id, {
          type: 'PaymentRefunded',
          data: { payment_id: target.id, refund_id: refundId, amount: formatCents(cents, 2) },
        }),
      );
    } else if (op.kind === 'reverse') {
      const refund = target.refunds.pop();
      if (!refund) continue;
      target.refunded -= refund.cents;
      events.push(
        paymentEvent(companyId, target.id, {
          type: 'PaymentRefundReversed',
          data: {
            payment_id: target.id,
            refund_id: refund.id,
            amount: formatCents(refund.cents, 2),
            reason: 'failed',
          },
        }),
      );
    } else if (op.kind === 'dispute') {
      const open = target.dispute;
      if (open && !open.reinstated) {
        open.reinstated = true;
        target.disputed -= open.cents;
        events.push(
          paymentEvent(companyId, target.id, {
            type: 'PaymentDisputeReinstated',
            data: {
              payment_id: target.id,
              dispute_id: open.id,
              amount: formatCents(open.cents, 2),
            },
          }),
        );
        continue;
      }
      const cents = Math.min(op.cents, target.amount - target.refunded - target.disputed);
      const disputeId = randomUUID();
      target.dispute = { id: disputeId, cents, reinstated: false };
      target.disputed += cents;
      events.push(
        paymentEvent(companyId, target.id, {
          type: 'PaymentDisputed',
          data: { payment_id: target.id, dispute_id: disputeId, amount: formatCents(cents, 2) },
        }),
      );
    } else if (op.kind === 'correct') {
      target.amount = Math.max(op.cents, target.refunded + target.disputed);
      events.push(
        paymentEvent(companyId, target.id, {
          type: 'PaymentCorrected',
          data: {
            payment_id: target.id,
            customer_id: `cus${op.customer}`,
            payment_date: dateOf(op.month, op.day),
            amount: formatCents(target.amount, 2),
          },
        }),
      );
    } else {
      target.voided = true;
      events.push(
        paymentEvent(companyId, target.id, {
          type: 'PaymentVoided',
          data: { payment_id: target.id, reason: 'test' },
        }),
      );
    }
  }
  return events;
}

/** What the pure engine makes of the same events: the oracle for the read model's totals. */
export function expectedCohortTotals(
  events: readonly StreamEvent[],
): Map<MonthIndex, CohortTotals> {
  const byStream = new Map<string, PaymentEvent[]>();
  for (const { streamId, event } of events) {
    if (!isPaymentEvent(event)) continue;
    const list = byStream.get(streamId) ?? [];
    list.push(event);
    byStream.set(streamId, list);
  }
  const netPayments: NetPayment[] = [];
  for (const stream of byStream.values()) {
    const view = paymentView(stream);
    if (!view || view.voided) continue;
    netPayments.push({
      customerId: view.customerId,
      paymentDate: view.paymentDate,
      netCents: view.amountCents - view.refundedCents - view.disputedCents,
    });
  }
  return buildCohortTotals(netPayments);
}
