/**
 * PostgreSQL adapter of the event store port.
 *
 * Why the log is ordered by (transaction_id, global_position), not by a bigserial alone:
 * a sequence hands out numbers when rows are inserted, not when they commit. Writer A takes
 * position 10 and is still working; writer B takes 11 and commits; a reader sees 11, stores
 * it as its checkpoint, and when A commits, 10 is behind the checkpoint and is never read.
 * Each row therefore also records `transaction_id xid8 DEFAULT pg_current_xact_id()`, and
 * readers only return rows with `transaction_id < pg_snapshot_xmin(pg_current_snapshot())`:
 * every transaction below the snapshot's xmin has ended, and any transaction that gets its
 * id later gets a larger one, so nothing can ever appear before a checkpoint a reader
 * holds. The checkpoint is the pair (transaction_id, global_position), as in emmett.
 * The price: any transaction that has written something (so holds an id) anywhere in the
 * cluster and stays open holds every reader back until it ends; read-only ones do not.
 * Keep transactions short; a big import commits once and subscribers catch up right after.
 *
 * Per-stream order must agree with log order, so the version after v must not carry a
 * smaller transaction id. A transaction that received its id early and then waited for a
 * stream could break that, so: writers that may append to an existing stream (expectation
 * `any` or `exact`) take the stream's advisory lock (stream-locks.ts) before their first
 * write, so they wait without an id; `no-stream` writers rely on the `streams` primary key
 * and never append to an existing stream; and, as the guard that makes it hold whatever
 * the timing, `streams` remembers the last writer's transaction id, and an append that
 * would land behind it rolls back and retries with a fresh (larger) transaction id.
 *
 * The `streams` table answers "which version is this stream at" with one index lookup and
 * lets a bulk import claim a million new streams with `INSERT ... ON CONFLICT DO NOTHING`
 * (`importNewStreams`, import-new-streams.ts: COPY and a few set-based statements).
 * Appends NOTIFY inside the transaction, so the signal goes out at commit and never for a
 * rolled-back write. One company's log (`readCompanyLog`, company-log.ts) follows the same
 * visibility rule through the `events_by_company` index.
 */
import type { Pool } from 'pg';
import { startCatchUpSubscription } from '../catch-up-subscription';
import type {
  AppendManyResult,
  AppendResult,
  CompanyLogPage,
  EventStore,
  ExpectedVersion,
  ImportNewStreamsOptions,
  ImportNewStreamsResult,
  LogPosition,
  NewEvent,
  NewStreamsSource,
  ReadAllResult,
  ReadCompanyLogOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  SubscribeOptions,
  Subscription,
  SubscriptionHandler,
} from '../event-store.port';
import { listenForAppends } from './append-listener';
import { appendInTransaction, type AppendSettings } from './append-transaction';
import { headPosition, isVisible, readCompanyLog } from './company-log';
import { EVENT_COLUMNS, type EventRow, toRecordedEvent } from './event-rows';
import { importNewStreams } from './import-new-streams';

export interface PostgresEventStoreOptions {
  /** NOTIFY channel for appends; defaults to `cvf_events_appended`. */
  readonly notifyChannel?: string;
  /** Rows per INSERT in big batches; defaults to 5,000. */
  readonly chunkSize?: number;
}

const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The pool is the caller's: the store never ends it. Each subscription holds one pooled
 * connection for LISTEN while it runs, so size the pool for writers plus subscriptions.
 */
export class PostgresEventStore implements EventStore {
  private readonly settings: AppendSettings;
  private readonly subscriptions = new Set<Subscription>();

  constructor(
    private readonly pool: Pool,
    options: PostgresEventStoreOptions = {},
  ) {
    const notifyChannel = options.notifyChannel ?? 'cvf_events_appended';
    // The channel is spliced into LISTEN, which takes no parameters.
    if (!CHANNEL_NAME.test(notifyChannel)) {
      throw new RangeError(`'${notifyChannel}' is not a valid notification channel name`);
    }
    this.settings = { notifyChannel, chunkSize: options.chunkSize ?? 5_000 };
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    const { decisions, lastWritten } = await appendInTransaction(
      this.pool,
      this.settings,
      [{ streamId, events, expected }],
      'fail',
    );
    const decision = decisions[0];
    if (decision?.kind === 'append' && lastWritten) {
      return {
        nextExpectedVersion: decision.firstVersion + decision.events.length - 1,
        position: lastWritten,
        appended: decision.events.length,
      };
    }
    if (decision?.kind === 'already-stored') {
      return { nextExpectedVersion: decision.version, position: decision.position, appended: 0 };
    }
    throw new Error(`append to '${streamId}' ended without an outcome`);
  }

  async appendMany(batch: readonly StreamAppend[]): Promise<AppendManyResult> {
    if (batch.length === 0) {
      return {
        eventsAppended: 0,
        streamsAppended: 0,
        streamsAlreadyExisting: 0,
        alreadyExistingStreamIds: [],
        position: null,
      };
    }
    const { decisions, lastWritten } = await appendInTransaction(
      this.pool,
      this.settings,
      batch,
      'skip',
    );
    let eventsAppended = 0;
    let streamsAppended = 0;
    const alreadyExistingStreamIds: string[] = [];
    for (const decision of decisions) {
      if (decision.kind === 'append') {
        eventsAppended += decision.events.length;
        streamsAppended += 1;
      } else {
        alreadyExistingStreamIds.push(decision.streamId);
      }
    }
    return {
      eventsAppended,
      streamsAppended,
      streamsAlreadyExisting: alreadyExistingStreamIds.length,
      alreadyExistingStreamIds,
      position: lastWritten,
    };
  }

  importNewStreams(
    source: NewStreamsSource,
    options: ImportNewStreamsOptions,
  ): Promise<ImportNewStreamsResult> {
    return importNewStreams(this.pool, this.settings.notifyChannel, source, options);
  }

  async readStream(
    streamId: string,
    options: ReadStreamOptions = {},
  ): Promise<readonly RecordedEvent[]> {
    const result = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events e
       WHERE e.stream_id = $1 AND e.stream_version >= $2
       ORDER BY e.stream_version
       LIMIT $3`,
      [streamId, options.fromVersion ?? 1, options.maxCount ?? null],
    );
    return result.rows.map(toRecordedEvent);
  }

  async readAll(after: LogPosition | null, maxCount: number): Promise<ReadAllResult> {
    if (!Number.isSafeInteger(maxCount) || maxCount < 1) {
      throw new RangeError(`maxCount must be a positive integer, got ${maxCount}`);
    }
    // Autocommit statement: pg_current_snapshot() is the snapshot this very query reads with.
    const result = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events e
       WHERE e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
         AND (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
       ORDER BY e.transaction_id, e.global_position
       LIMIT $3`,
      [after?.transactionId ?? '0', after?.globalPosition ?? '0', maxCount],
    );
    const events = result.rows.map(toRecordedEvent);
    const last = events.at(-1);
    return {
      events,
      checkpoint: last
        ? { transactionId: last.transactionId, globalPosition: last.globalPosition }
        : after,
    };
  }

  readCompanyLog(companyId: string, options: ReadCompanyLogOptions): Promise<CompanyLogPage> {
    return readCompanyLog(this.pool, companyId, options);
  }

  isVisible(position: LogPosition): Promise<boolean> {
    return isVisible(this.pool, position);
  }

  headPosition(): Promise<LogPosition | null> {
    return headPosition(this.pool);
  }

  subscribe(
    from: LogPosition | null,
    handler: SubscriptionHandler,
    options: SubscribeOptions = {},
  ): Subscription {
    const subscription = startCatchUpSubscription(
      {
        readAll: (after, maxCount) => this.readAll(after, maxCount),
        listen: (wake, onError) =>
          listenForAppends(this.pool, this.settings.notifyChannel, wake, onError),
      },
      from,
      handler,
      options,
    );
    this.subscriptions.add(subscription);
    void subscription.done
      .catch(() => undefined)
      .finally(() => this.subscriptions.delete(subscription));
    return subscription;
  }

  /** Stops every subscription (for graceful shutdown); the pool stays open. */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
  }
}
