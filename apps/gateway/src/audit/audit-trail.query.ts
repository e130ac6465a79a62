import {
  encodePosition,
  type EventStore,
  type LogPosition,
  positionOf,
  type RecordedEvent,
} from '@cvf/event-store';

/**
 * The audit trail: every event of one company (its company stream and all its payment
 * streams) as recorded, from the event store's per-company log read. The read models fold
 * events away; this shows them as recorded. The store's visibility rule means a page never
 * shows an event while an earlier one of the log is still to commit, so a cursor never
 * skips one that commits late.
 */
export interface AuditEvent {
  readonly position: string;
  readonly stream_id: string;
  readonly stream_version: number;
  readonly event_id: string;
  readonly type: string;
  readonly schema_version: number;
  readonly data: unknown;
  readonly metadata: {
    readonly company_id: string;
    readonly occurred_at: string;
    readonly actor: string;
    readonly causation_id: string | null;
    readonly correlation_id: string | null;
  };
  readonly recorded_at: string;
}

export interface AuditPage {
  readonly events: readonly AuditEvent[];
  /** One more event exists beyond the page. */
  readonly more: boolean;
  /** The last event of the whole log visible to this read (what the page reflects). */
  readonly visibleUpTo: string | null;
}

export async function readAuditTrail(
  store: EventStore,
  companyId: string,
  page: { readonly after: LogPosition | null; readonly order: 'asc' | 'desc'; limit: number },
): Promise<AuditPage> {
  const log = await store.readCompanyLog(companyId, {
    after: page.after,
    direction: page.order === 'asc' ? 'forwards' : 'backwards',
    maxCount: page.limit,
  });
  return {
    events: log.events.map(auditEvent),
    more: log.more,
    visibleUpTo: log.visibleUpTo && encodePosition(log.visibleUpTo),
  };
}

function auditEvent(event: RecordedEvent): AuditEvent {
  return {
    position: encodePosition(positionOf(event)),
    stream_id: event.streamId,
    stream_version: event.streamVersion,
    event_id: event.eventId,
    type: event.type,
    schema_version: event.schemaVersion,
    data: event.data,
    metadata: {
      company_id: event.metadata.companyId,
      occurred_at: event.metadata.occurredAt,
      actor: event.metadata.actor,
      causation_id: event.metadata.causationId,
      correlation_id: event.metadata.correlationId,
    },
    recorded_at: event.recordedAt,
  };
}
