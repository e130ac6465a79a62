import { Inject, Injectable } from '@nestjs/common';
import { paymentDecider, paymentStreamId } from '@cvf/domain';
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
  APP_CONFIG,
  HttpProblem,
  toDomainEnvelope,
  toNewEvent,
  type AppConfig,
  type CommandContext,
} from '@cvf/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { fingerprintOf, IdempotentRequests } from '../idempotency/idempotent-requests';
import { commandContext, type WriteRequest } from '../http/write-context';
import { PaymentCommands } from '../payments/payment-commands.service';
import { type PaymentColumns, type UploadedPayment } from './payment-rows';
import { filePart, readPaymentsFile, type PaymentsFile } from './read-payments-file';

export interface UploadResult {
  readonly rows: number;
  readonly recorded: number;
  readonly already_recorded: number;
  /** Log position of the last event recorded; null when nothing was. */
  readonly position: string | null;
  readonly correlation_id: string;
}

/** What makes two PaymentRecorded events the same payment (the decider's `sameFacts`). */
const FACT_FIELDS = ['customer_id', 'payment_date', 'amount'];

/**
 * `POST /companies/{id}/payments/upload`: the whole file is read and validated before
 * anything is written, then every row is recorded in one transaction through the event
 * store's bulk import, so a file is recorded entirely or not at all. The transaction opens
 * only once the upload has arrived: a slow client never holds the log's readers back.
 */
@Injectable()
export class PaymentUploads {
  constructor(
    private readonly payments: PaymentCommands,
    private readonly idempotent: IdempotentRequests,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async upload(
    companyId: string,
    request: FastifyRequest,
    reply: FastifyReply,
    write: WriteRequest,
  ): Promise<UploadResult> {
    await this.payments.requireCompany(companyId);
    const part = await filePart(request, this.config.uploadLimitBytes);
    const file = await readPaymentsFile(part, this.config.uploadLimitBytes);
    // With an Idempotency-Key: the same key with another file is 422 and records nothing; the
    // same file again answers the first upload's response.
    const fingerprint = fingerprintOf('file', file.sha256);
    return this.idempotent.run(request, reply, fingerprint, () =>
      this.record(companyId, file, write),
    ) as Promise<UploadResult>;
  }

  private async record(
    companyId: string,
    file: PaymentsFile,
    write: WriteRequest,
  ): Promise<UploadResult> {
    const { rows } = file;
    const result = await this.store.importNewStreams(
      paymentsSource(file, commandContext(companyId, write)),
      {
        matchFields: FACT_FIELDS,
        isSameFact: (stored, offered) => sameFacts(stored, rows.at(offered.index)),
      },
    );
    if (result.outcome === 'conflicts') {
      throw conflictProblem(companyId, rows, result.conflicts, result.conflictCount);
    }
    return {
      rows: rows.length,
      recorded: result.streamsCreated,
      already_recorded: result.streamsAlreadyExisting,
      position: result.position && encodePosition(result.position),
      correlation_id: write.correlationId,
    };
  }
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
      return indexes.map((index) => recordedEvent(file, index, context, now));
    },
  };
}

/**
 * The row's PaymentRecorded, decided by the payment decider and wrapped by `toNewEvent`,
 * exactly as `POST /payments` records one (source 'csv', the file and row as source_ref).
 */
function recordedEvent(
  file: PaymentsFile,
  index: number,
  context: CommandContext,
  now: Date,
): NewEvent {
  const payment = file.rows.at(index);
  const [event] = paymentDecider.decide(
    {
      type: 'RecordPayment',
      data: {
        payment_id: payment.paymentId,
        customer_id: payment.customerId,
        payment_date: payment.paymentDate,
        amount: payment.amount,
        source: 'csv',
        source_ref: `${file.name}:${payment.row}`,
      },
    },
    paymentDecider.initialState,
  );
  if (!event) throw new Error(`the decider recorded nothing for row ${payment.row}`);
  return toNewEvent(event, context, now);
}

/** The store found the stored event different in storage terms; judge it as the decider would. */
function sameFacts(stored: RecordedEvent, uploaded: UploadedPayment): boolean {
  const recorded = recordedFacts(stored);
  return (
    recorded !== null &&
    recorded.customer_id === uploaded.customerId &&
    recorded.payment_date === uploaded.paymentDate &&
    recorded.amount === uploaded.amount
  );
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
    // An event that cannot be read as a payment can never be "the same payment".
    return null;
  }
}

/**
 * Rows whose payment_id is recorded with other facts. Skipping them would silently drop a
 * correction, and recording them is impossible (the id is taken): 409, nothing recorded.
 */
function conflictProblem(
  companyId: string,
  rows: PaymentColumns,
  conflicts: readonly StreamImportConflict[],
  conflictCount: number,
): HttpProblem {
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
  return new HttpProblem({
    status: 409,
    error: 'payment_conflict',
    message:
      `${rowsText} already recorded with a different customer, date or amount; nothing was ` +
      `recorded. Correct a recorded payment with PUT /companies/${companyId}/payments/{payment_id}.`,
    conflicts: listed,
    conflict_count: conflictCount,
  });
}
