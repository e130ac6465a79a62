import { type DomainEvent } from './domain-event';
import { CURRENT_SCHEMA_VERSION, toDomainEvent } from './schema';

/**
 * What every stored event carries besides its payload (ARCHITECTURE.md "Events and
 * streams"). Timestamps are ISO-8601 instants in UTC; ids are supplied by the caller because
 * the domain has no clock and no id generator.
 */
export interface EventMetadata {
  /** A uuid, unique per event. */
  readonly event_id: string;
  readonly company_id: string;
  /** When it happened in the world (e.g. a Stripe event's creation time). */
  readonly occurred_at: string;
  /** When it was appended to the log. */
  readonly recorded_at: string;
  /** Who caused it: 'user:<id>', 'system:csv-import', 'webhook:stripe', … */
  readonly actor: string;
  /** The id of the command or event that directly caused this one; null for outside input. */
  readonly causation_id: string | null;
  /** The id shared by everything one request set off; null when the request had none. */
  readonly correlation_id: string | null;
  /** The payload shape version; always the current one once read through `readStoredEvent`. */
  readonly schema_version: number;
}

/** An event with its metadata; distributes over the union, so narrowing on `type` works. */
export type EventEnvelope<E extends DomainEvent = DomainEvent> = E & {
  readonly metadata: EventMetadata;
};

/** An event as the store hands it back: type and payload not yet trusted or upcast. */
export interface StoredEvent {
  readonly type: string;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

/** Wraps a decided event for appending, stamping the current schema version of its type. */
export function newEnvelope<E extends DomainEvent>(
  event: E,
  metadata: Omit<EventMetadata, 'schema_version'>,
): EventEnvelope<E> {
  return {
    ...event,
    metadata: { ...metadata, schema_version: CURRENT_SCHEMA_VERSION[event.type] },
  };
}

/** Reads a stored event into the current shape (upcasting old versions). */
export function readStoredEvent(stored: StoredEvent): EventEnvelope {
  const event = toDomainEvent(stored.type, stored.metadata.schema_version, stored.data);
  return {
    ...event,
    metadata: { ...stored.metadata, schema_version: CURRENT_SCHEMA_VERSION[event.type] },
  };
}
