import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  PAYMENT_FACT_FIELDS,
  paymentDecider,
  paymentStreamId,
  type RecordPayment,
} from '@cvf/domain';
import {
  encodePosition,
  EVENT_STORE,
  type EventStore,
  type NewEvent,
  type NewStreamsSource,
  type RecordedEvent,
  type StreamImportConflict,
} from '@cvf/event-store';
import {
  PaymentConflictError,
  toDomainEnvelope,
  toNewEvent,
  type CommandContext,
} from '@cvf/platform';
import { type PaymentColumns } from '../uploads/payment-rows';
import { type PaymentsFile } from '../uploads/read-payments-file';
import { CompanyStreams } from './company-streams';
import { PaymentImport, type PaymentImportResult } from './write-commands';

/**
 * A bulk RecordPayment: every row becomes a new payment stream through the event store's
 * bulk import, in one transaction, so a file is recorded entirely or not at all. Each row's
 * event is the payment decider's answer to its RecordPayment, and whether an existing stream
 * records the same payment is the decider's answer too (a re-delivery decides nothing).
 */
@CommandHandler(PaymentImport)
export class PaymentImportHandler implements ICommandHandler<PaymentImport> {
  constructor(
    private readonly streams: CompanyStreams,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute({ file, context }: PaymentImport): Promise<PaymentImportResult> {
    await this.streams.requireCompany(context.companyId);
    const { rows } = file;
    const result = await this.store.importNewStreams(paymentsSource(file, context), {
      matchFields: PAYMENT_FACT_FIELDS,
      isSameFact: (stored, offered) => recordsSamePayment(stored, rowCommand(file, offered.index)),
    });
    if (result.outcome === 'conflicts') {
      throw conflictError(context.companyId, rows, result.conflicts, result.conflictCount);
    }
    return {
      rows: rows.length,
      recorded: result.streamsCreated,
      already_recorded: result.streamsAlreadyExisting,
      position: result.position && encodePosition(result.position),
    };
  }
}

/** The RecordPayment a row stands for (source 'csv', the file and row as source_ref). */
function rowCommand(file: PaymentsFile, index: number): RecordPayment {
  const payment = file.rows.at(index);
  return {
    type: 'RecordPayment',
    data: {
      payment_id: payment.paymentId,
      customer_id: payment.customerId,
      payment_date: payment.paymentDate,
      amount: payment.amount,
      currency: file.rows.currency,
      source: 'csv',
      source_ref: `${file.name}:${payment.row}`,
    },
  };
}

/**
 * The rows as the store's bulk import reads them: ids first, then events in batches as COPY
 * takes them, each one built only then (the file never exists as a million event objects).
 */
function paymentsSource(file: PaymentsFile, context: CommandContext): NewStreamsSource {
  const now = new Date();
  return {
    count: file.rows.length,
    streamId: (index) => paymentStreamId(context.companyId, file.rows.paymentId(index)),
    events: async (indexes) => {
      // Hand the event loop back between batches: other requests are served meanwhile.
      await new Promise<void>((resolve) => setImmediate(resolve));
      return indexes.map((index) => recordedEvent(rowCommand(file, index), context, now));
    },
  };
}

/** The row's PaymentRecorded, decided on a new stream exactly as `PaymentWrite` would. */
function recordedEvent(command: RecordPayment, context: CommandContext, now: Date): NewEvent {
  const [event] = paymentDecider.decide(command, paymentDecider.initialState);
  if (!event) throw new Error(`the decider recorded nothing for ${command.data.source_ref}`);
  return toNewEvent(event, context, now);
}

/**
 * The store found the stored event different in storage terms (an older schema, say): the
 * decider judges. Recording the row again on the stored stream decides nothing exactly when
 * it is the same payment; it refuses (ConflictError) when the facts differ.
 */
function recordsSamePayment(stored: RecordedEvent, command: RecordPayment): boolean {
  try {
    const state = paymentDecider.evolve(
      paymentDecider.initialState,
      toDomainEnvelope(stored) as unknown as Parameters<typeof paymentDecider.evolve>[1],
    );
    return paymentDecider.decide(command, state).length === 0;
  } catch {
    // A conflict, or an event that cannot be read as a payment: never "the same payment".
    return false;
  }
}

/** The facts first recorded, upcast to the current schema; null if that is not a payment. */
function recordedFacts(
  stored: RecordedEvent,
): { customer_id: string; payment_date: string; amount: string } | null {
  try {
    const event = toDomainEnvelope(stored);
    if (event.type !== 'PaymentRecorded') return null;
    const { customer_id, payment_date, amount } = event.data;
    return { customer_id, payment_date, amount };
  } catch {
    return null;
  }
}

/**
 * Rows whose payment_id is recorded with other facts. Skipping them would silently drop a
 * correction, and recording them is impossible (the id is taken): nothing is recorded.
 */
function conflictError(
  companyId: string,
  rows: PaymentColumns,
  conflicts: readonly StreamImportConflict[],
  conflictCount: number,
): PaymentConflictError {
  const listed = conflicts.map(({ offered, stored }) => {
    const uploaded = rows.at(offered.index);
    return {
      row: uploaded.row,
      payment_id: uploaded.paymentId,
      uploaded: {
        customer_id: uploaded.customerId,
        payment_date: uploaded.paymentDate,
        amount: uploaded.amount,
      },
      recorded: recordedFacts(stored),
    };
  });
  const rowsText =
    conflictCount === 1 ? '1 row names a payment' : `${conflictCount} rows name payments`;
  return new PaymentConflictError(
    `${rowsText} already recorded with a different customer, date or amount; nothing was ` +
      `recorded. Correct a recorded payment with PUT /companies/${companyId}/payments/{payment_id}.`,
    { conflicts: listed, conflict_count: conflictCount },
  );
}
