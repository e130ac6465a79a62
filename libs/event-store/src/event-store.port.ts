/**
 * The event store port: what the domain and the applications need from an event log.
 * Adapters (PostgreSQL today, EventStoreDB possibly later) implement it; nothing here knows
 * about Nest, pg or any transport.
 *
 * Numbering (every adapter must follow it, the contract suite checks it):
 * - Stream versions are 1-based: the first event of a stream has `streamVersion` 1 and a
 *   stream's version is the number of events in it. A stream that does not exist has
 *   version 0, so `{ kind: 'exact', version: 0 }` means the same as `{ kind: 'no-stream' }`.
 * - Positions in the global log are `LogPosition`s: opaque to callers, totally ordered by
 *   `comparePositions`, serialisable with `encodePosition` / `decodePosition`.
 */

/** Who did what, when, and why: stored with every event, never interpreted by the store. */
export interface EventMetadata {
  readonly companyId: string;
  /** ISO-8601 instant at which the fact happened in the business world. */
  readonly occurredAt: string;
  readonly actor: string;
  readonly causationId: string | null;
  readonly correlationId: string | null;
}

/** An event as the writer hands it over. `data` must be plain JSON (money as strings). */
export interface NewEvent {
  /** A uuid chosen by the writer: re-appending the same id is a no-op (see `append`). */
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

/**
 * A point in the global log. `transactionId` and `globalPosition` are decimal strings
 * because both are 64-bit integers that a JS number cannot always hold.
 */
export interface LogPosition {
  readonly transactionId: string;
  readonly globalPosition: string;
}

/** An event as stored. Its place in the global log is `positionOf(event)`. */
export interface RecordedEvent extends NewEvent {
  readonly streamId: string;
  /** 1-based; a JS number is exact up to 2^53 events per stream, far beyond any stream. */
  readonly streamVersion: number;
  /** Decimal string of the store-wide sequence number (64-bit). */
  readonly globalPosition: string;
  /** Decimal string of the id of the transaction that wrote the event (64-bit). */
  readonly transactionId: string;
  /** ISO-8601 instant at which the store accepted the event. */
  readonly recordedAt: string;
}

export type ExpectedVersion =
  | { readonly kind: 'any' }
  | { readonly kind: 'no-stream' }
  | { readonly kind: 'exact'; readonly version: number };

export interface AppendResult {
  /** The stream's version after the call: pass it as `{ kind: 'exact' }` to append next. */
  readonly nextExpectedVersion: number;
  /** Position of the last event of the call (the stored one when nothing was appended). */
  readonly position: LogPosition;
  /** How many events were written; 0 when every event id was already in the stream. */
  readonly appended: number;
}

export interface StreamAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expected: ExpectedVersion;
}

export interface AppendManyResult {
  readonly eventsAppended: number;
  /** Streams that received at least one event. */
  readonly streamsAppended: number;
  /**
   * Streams left untouched because they were already known: a `no-stream` expectation met
   * an existing stream, or every event id of the entry was already stored in it.
   */
  readonly streamsAlreadyExisting: number;
  readonly alreadyExistingStreamIds: readonly string[];
  /** Position of the last event written, null when nothing was written. */
  readonly position: LogPosition | null;
}

/**
 * The streams a bulk import offers: streams that should not exist yet, with one event each,
 * read by index (0 … count − 1). The import reads every stream id first, then asks for the
 * events it needs in an order of its choosing, so an index must always give the same stream
 * and the same event: an in-memory table of parsed rows, typically, that builds each event
 * when it is asked for.
 */
export interface NewStreamsSource {
  readonly count: number;
  streamId(index: number): string;
  /** The events of the streams at `indexes`, in that order. */
  events(indexes: readonly number[]): Promise<readonly NewEvent[]>;
}

/** An offered stream that exists already, as the import found it. */
export interface OfferedStream {
  /** The stream's index in the source. */
  readonly index: number;
  readonly streamId: string;
  /** The match fields of the offered event's data (all the import keeps of it). */
  readonly data: unknown;
}

export interface ImportNewStreamsOptions {
  /**
   * Fields of the event data that say which fact an event records. An offered stream that
   * exists already is a re-delivery (skipped and counted) when its first event has the
   * offered type, schema version and values of these fields; otherwise it is a conflict.
   */
  readonly matchFields: readonly string[];
  /**
   * A second opinion on each existing stream that differs in storage terms: true when its
   * first event records the offered fact after all (an older schema version of it, say).
   */
  readonly isSameFact?: (stored: RecordedEvent, offered: OfferedStream) => boolean;
  /** How many conflicts the result lists (all are counted); defaults to 100. */
  readonly conflictsListed?: number;
}

export interface StreamImportConflict {
  readonly offered: OfferedStream;
  /** The existing stream's first event. */
  readonly stored: RecordedEvent;
}

export type ImportNewStreamsResult =
  | {
      readonly outcome: 'imported';
      readonly streamsCreated: number;
      /** Offered streams that existed with the same fact: re-deliveries, left alone. */
      readonly streamsAlreadyExisting: number;
      /** Position of the last event written, null when nothing was written. */
      readonly position: LogPosition | null;
    }
  | {
      /** Nothing was written. */
      readonly outcome: 'conflicts';
      /** The first `conflictsListed`, in stream id order. */
      readonly conflicts: readonly StreamImportConflict[];
      readonly conflictCount: number;
    };

export interface ReadStreamOptions {
  /** First version to return (inclusive); defaults to 1. */
  readonly fromVersion?: number;
  readonly maxCount?: number;
}

export interface ReadAllResult {
  readonly events: readonly RecordedEvent[];
  /** Where the next `readAll` continues: the last event's position, or `after` if none. */
  readonly checkpoint: LogPosition | null;
}

/** Which way a company's log is read, and from where. */
export interface ReadCompanyLogOptions {
  /**
   * Exclusive: the position of the last event of the previous page. null starts at the
   * beginning of the log (`forwards`) or at its end (`backwards`).
   */
  readonly after: LogPosition | null;
  /** `forwards`: oldest first, in log order; `backwards`: newest first. */
  readonly direction: 'forwards' | 'backwards';
  readonly maxCount: number;
}

export interface CompanyLogPage {
  /** Up to `maxCount` events whose `metadata.companyId` is the company, any stream. */
  readonly events: readonly RecordedEvent[];
  /** At least one more event of the company lies beyond the page, in its direction. */
  readonly more: boolean;
  /**
   * The last event of the whole log visible to this read (what the page reflects, from
   * the same snapshot); null when nothing is visible yet.
   */
  readonly visibleUpTo: LogPosition | null;
}

export type SubscriptionHandler = (batch: readonly RecordedEvent[]) => Promise<void>;

export interface SubscribeOptions {
  /** Most events handed to one handler call; defaults to 500. */
  readonly batchSize?: number;
  /** How often to look for new events when no notification arrives; defaults to 250 ms. */
  readonly pollIntervalMs?: number;
  /** Told about read failures, which are retried; the subscription keeps going. */
  readonly onError?: (error: unknown) => void;
}

export interface Subscription {
  /** Stops after the batch in flight (if any) has been handled. Idempotent. */
  stop(): Promise<void>;
  /**
   * Settles when the subscription ends: resolves after `stop()`, rejects with the handler's
   * error if a handler throws (the subscription then ends: resume from the last checkpoint
   * the consumer stored).
   */
  readonly done: Promise<void>;
}

export interface EventStore {
  /**
   * Appends `events` to one stream atomically, checking `expected` against the stream's
   * version. Idempotent re-delivery: events whose id is already stored in this stream are
   * dropped first; if none remain, the call succeeds with `appended: 0` whatever the
   * expectation (the write it repeats has already happened, even if the stream moved on).
   * Otherwise the expectation is checked against the current version and the remaining
   * events follow it.
   * @throws WrongExpectedVersionError when the expectation does not hold.
   * @throws DuplicateEventIdError when an event id is stored in another stream or repeats.
   */
  append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion,
  ): Promise<AppendResult>;

  /**
   * Appends to many streams in one transaction: all or nothing. Built for bulk imports of
   * new streams. An entry expecting `no-stream` whose stream exists is skipped and counted
   * as already existing, as is an entry whose events are all stored already; any other
   * failed expectation throws WrongExpectedVersionError and nothing is written.
   */
  appendMany(batch: readonly StreamAppend[]): Promise<AppendManyResult>;

  /**
   * The bulk path for "many new streams of one event each" (a payments file): all or nothing,
   * in one transaction, at COPY speed. Offered streams that exist already are skipped and
   * counted when their first event records the same fact (`matchFields`); if any records a
   * different fact, nothing is written and the conflicts are returned. The written events
   * share one transaction: subscribers see the whole import at once, after it commits (and
   * nothing of the log after it before then). Their order in the log is not the source's.
   * @throws RangeError when a stream id repeats in the source or an argument is malformed.
   * @throws DuplicateEventIdError when an event id is stored already or repeats.
   */
  importNewStreams(
    source: NewStreamsSource,
    options: ImportNewStreamsOptions,
  ): Promise<ImportNewStreamsResult>;

  /** Events of one stream in version order; empty when the stream does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<readonly RecordedEvent[]>;

  /**
   * Up to `maxCount` events of the global log after `after` (null: from the start), in log
   * order, never returning an event before every event ordered before it is visible.
   */
  readAll(after: LogPosition | null, maxCount: number): Promise<ReadAllResult>;

  /**
   * One company's events (its company stream and every other stream whose events carry its
   * `metadata.companyId`, e.g. its payments) a page at a time, with the visibility rule of
   * `readAll`: never an event while an event ordered before it in the log is still to
   * commit, so a page continued from its last position never skips one that commits late.
   * @throws RangeError when `maxCount` is not a positive integer.
   */
  readCompanyLog(companyId: string, options: ReadCompanyLogOptions): Promise<CompanyLogPage>;

  /**
   * True once `readAll` and `readCompanyLog` may return an event at `position`: the
   * transaction that wrote it has ended, and so has every transaction ordered before it.
   */
  isVisible(position: LogPosition): Promise<boolean>;

  /**
   * The last event committed to the log as this call finds it; null while the log is empty.
   * Every append that returned before the call is at or before it. Unlike `readAll` it does
   * not wait for earlier transactions to end, so an event ordered before it may still
   * commit: it is a position to wait for (a subscriber passes it only once everything before
   * it is visible), never a checkpoint to continue reading from.
   */
  headPosition(): Promise<LogPosition | null>;

  /**
   * Delivers every event after `from` in log order: catch-up first, then live. Each batch
   * is awaited before the next is read (backpressure). Delivery is at-least-once across
   * restarts, so the consumer stores the last position it handled.
   */
  subscribe(
    from: LogPosition | null,
    handler: SubscriptionHandler,
    options?: SubscribeOptions,
  ): Subscription;
}

/** Injection token for binding an adapter in a Nest module (a symbol, not a Nest import). */
export const EVENT_STORE = Symbol.for('cvf.EventStore');
