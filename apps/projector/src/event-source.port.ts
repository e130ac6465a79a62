import {
  type EventStore,
  type LogPosition,
  type RecordedEvent,
  type SubscribeOptions,
} from '@cvf/event-store';

/**
 * Where the projector gets the log from. Embedded mode reads the event store directly; in
 * distributed mode a Kafka consumer takes its place. Such a source may ignore `from` and
 * resume from its own committed offsets: the projection skips whatever it has applied
 * already, per company, so redelivery is harmless.
 */
export interface ProjectionEventSource {
  subscribe(
    from: LogPosition | null,
    handler: (batch: readonly RecordedEvent[]) => Promise<void>,
  ): ProjectionSubscription;
}

export interface ProjectionSubscription {
  /** Stops after the batch in flight has been handled. */
  stop(): Promise<void>;
  /** Resolves once stopped; rejects when the handler (or the source) failed for good. */
  readonly done: Promise<void>;
}

/** The event store's own catch-up subscription as a projection source. */
export function eventStoreSource(
  store: Pick<EventStore, 'subscribe'>,
  options: SubscribeOptions = {},
): ProjectionEventSource {
  return {
    subscribe: (from, handler) => store.subscribe(from, handler, { batchSize: 1_000, ...options }),
  };
}
