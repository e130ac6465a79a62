import {
  type CompanyEvent,
  type PaymentEvent,
  isCompanyEvent,
  isValidEntityId,
  parsePaymentStreamId,
  toDomainEvent,
} from '@cvf/domain';
import { type LogPosition, type RecordedEvent } from '@cvf/event-store';

/** A log event the read models care about, with the company it belongs to. */
export type ProjectedEvent = {
  readonly companyId: string;
  readonly position: LogPosition;
  /** When the store accepted it (ISO-8601). */
  readonly recordedAt: string;
} & (
  | { readonly stream: 'company'; readonly event: CompanyEvent }
  | { readonly stream: 'payment'; readonly paymentId: string; readonly event: PaymentEvent }
);

const COMPANY_STREAM_PREFIX = 'company-';

/**
 * The company comes from the stream id, which the writers derive from it, not from metadata
 * a client could have filled in. Events of other streams are not read-model input: null.
 * An unknown event type or a company event in a payment stream (or the reverse) throws:
 * skipping it would silently lose money, so the projector stops instead.
 */
export function decodeRecordedEvent(recorded: RecordedEvent): ProjectedEvent | null {
  const base = {
    position: { transactionId: recorded.transactionId, globalPosition: recorded.globalPosition },
    recordedAt: recorded.recordedAt,
  };
  if (recorded.streamId.startsWith(COMPANY_STREAM_PREFIX)) {
    const companyId = recorded.streamId.slice(COMPANY_STREAM_PREFIX.length);
    if (!isValidEntityId(companyId)) return null;
    const event = toDomainEvent(recorded.type, recorded.schemaVersion, recorded.data);
    if (!isCompanyEvent(event)) throw misplaced(recorded);
    return { ...base, companyId, stream: 'company', event };
  }
  const payment = parsePaymentStreamId(recorded.streamId);
  if (!payment) return null;
  const event = toDomainEvent(recorded.type, recorded.schemaVersion, recorded.data);
  if (isCompanyEvent(event)) throw misplaced(recorded);
  return {
    ...base,
    companyId: payment.companyId,
    stream: 'payment',
    paymentId: payment.paymentId,
    event,
  };
}

function misplaced(recorded: RecordedEvent): Error {
  return new Error(
    `log corrupt: ${recorded.type} in stream ${recorded.streamId} (position ` +
      `${recorded.transactionId}:${recorded.globalPosition})`,
  );
}
