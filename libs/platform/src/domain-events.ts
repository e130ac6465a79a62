import { randomUUID } from 'node:crypto';
import { newEnvelope, readStoredEvent, type DomainEvent, type EventEnvelope } from '@cvf/domain';
import { type NewEvent, type RecordedEvent } from '@cvf/event-store';

/**
 * The bridge between the domain's event envelopes (snake_case metadata, as on the wire) and
 * the event store's records. Every service reads and writes events through these two.
 */
export interface CommandContext {
  readonly companyId: string;
  readonly actor: string;
  /** When the fact happened in the world; defaults to now. */
  readonly occurredAt?: string;
  readonly causationId?: string | null;
  readonly correlationId?: string | null;
}

export function toNewEvent(
  event: DomainEvent,
  context: CommandContext,
  now: Date = new Date(),
): NewEvent {
  const envelope = newEnvelope(event, {
    event_id: randomUUID(),
    company_id: context.companyId,
    occurred_at: context.occurredAt ?? now.toISOString(),
    recorded_at: now.toISOString(),
    actor: context.actor,
    causation_id: context.causationId ?? null,
    correlation_id: context.correlationId ?? null,
  });
  return {
    eventId: envelope.metadata.event_id,
    type: envelope.type,
    schemaVersion: envelope.metadata.schema_version,
    data: envelope.data,
    metadata: {
      companyId: context.companyId,
      occurredAt: envelope.metadata.occurred_at,
      actor: context.actor,
      causationId: envelope.metadata.causation_id,
      correlationId: envelope.metadata.correlation_id,
    },
  };
}

/** A stored record as a domain envelope, upcast to the current schema of its type. */
export function toDomainEnvelope(recorded: RecordedEvent): EventEnvelope {
  return readStoredEvent({
    type: recorded.type,
    data: recorded.data,
    metadata: {
      event_id: recorded.eventId,
      company_id: recorded.metadata.companyId,
      occurred_at: recorded.metadata.occurredAt,
      recorded_at: recorded.recordedAt,
      actor: recorded.metadata.actor,
      causation_id: recorded.metadata.causationId,
      correlation_id: recorded.metadata.correlationId,
      schema_version: recorded.schemaVersion,
    },
  });
}
