import {
  decodePosition,
  encodePosition,
  positionOf,
  runMigrations,
  type EventStore,
  type LogPosition,
  type MigrationSet,
  type RecordedEvent,
  type Subscription,
} from '@cvf/event-store';
import { type Backoff, exponentialBackoff, retrying, sleep } from '@cvf/resilience';
import { Partitioners, type Producer, type ProducerConfig } from 'kafkajs';
import { type Pool, type PoolClient } from 'pg';
import { encodeEvent } from './event-codec';
import { EVENTS_TOPIC } from './topics';

export const MESSAGING_MIGRATIONS: MigrationSet = {
  name: 'messaging',
  migrations: [
    {
      id: '001-relay-checkpoints',
      sql: `
        CREATE SCHEMA IF NOT EXISTS messaging;
        CREATE TABLE messaging.relay_checkpoints (
          name       text        PRIMARY KEY,
          position   text        NOT NULL,
          updated_at timestamptz NOT NULL DEFAULT now()
        );`,
    },
  ],
};

export interface RelayOptions {
  readonly name?: string;
  readonly topic?: string;
  readonly batchSize?: number;
  /** Told every failure (reading the log, publishing, saving the checkpoint) before a retry. */
  readonly onError?: (error: unknown) => void;
  /** Longest pause between two attempts at a batch (backoff doubles from 200 ms); 5 s. */
  readonly maxRetryDelayMs?: number;
}

const FIRST_RETRY_MS = 200;
const MAX_RETRY_MS = 5_000;

/**
 * Tails the event log with the store's gap-free subscription and publishes every event to
 * Kafka, keyed by company id. The checkpoint is saved only after the broker acknowledged the
 * batch (acks = all, idempotent producer, one request in flight), so a restart resumes without
 * loss; a crash between ack and checkpoint republishes that batch, which consumers skip (they
 * dedupe by per-company log position).
 *
 * A batch that cannot be published (broker down: kafkajs gives up on a connection after its
 * own retries and throws) or checkpointed (PostgreSQL away) is retried with backoff until it
 * succeeds or the relay is stopped: the relay never skips ahead and never gives up its place
 * as leader over an outage, so it resumes by itself when the broker is back.
 *
 * Exactly one relay publishes at a time: it holds a PostgreSQL advisory lock on a dedicated
 * connection while it runs; a second instance waits as a hot standby.
 */
export class EventRelay {
  private subscription: Subscription | null = null;
  private lockClient: PoolClient | null = null;
  /** Aborted by `stop`: a standby stops waiting, a batch waiting to be retried gives up. */
  private readonly stopping = new AbortController();
  private readonly retryBackoff: Backoff;
  private readonly name: string;
  private readonly topic: string;
  private published = 0;
  private failing: { readonly since: Date; readonly error: string } | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly pool: Pool,
    private readonly producer: Producer,
    private readonly options: RelayOptions = {},
  ) {
    this.name = options.name ?? 'cvf.events.v1';
    this.topic = options.topic ?? EVENTS_TOPIC;
    const maxMs = options.maxRetryDelayMs ?? MAX_RETRY_MS;
    this.retryBackoff = exponentialBackoff({ firstMs: Math.min(FIRST_RETRY_MS, maxMs), maxMs });
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  get eventsPublished(): number {
    return this.published;
  }

  /** Set while a batch is being retried: since when, and the latest error. */
  get failingSince(): { readonly since: Date; readonly error: string } | null {
    return this.failing;
  }

  /** Resolves once this instance leads and its subscription runs (or `stop` was called). */
  async start(): Promise<void> {
    await runMigrations(this.pool, MESSAGING_MIGRATIONS);
    this.lockClient = await this.pool.connect();
    while (!this.stopped) {
      const { rows } = await this.lockClient.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
        [`cvf.relay.${this.name}`],
      );
      if (rows[0]?.locked) break;
      await sleep(1_000, this.stopping.signal);
    }
    if (this.stopped) return;
    const from = await this.loadCheckpoint();
    this.subscription = this.store.subscribe(from, (batch) => this.publish(batch), {
      batchSize: this.options.batchSize ?? 500,
      ...(this.options.onError ? { onError: this.options.onError } : {}),
    });
  }

  /** Settles when the subscription ends (rejects if publishing failed for good). */
  get done(): Promise<void> {
    return this.subscription?.done ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.subscription?.stop();
    if (this.lockClient) {
      await this.lockClient
        .query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [`cvf.relay.${this.name}`])
        .catch(() => undefined);
      this.lockClient.release();
      this.lockClient = null;
    }
  }

  private async publish(batch: readonly RecordedEvent[]): Promise<void> {
    const last = batch.at(-1);
    if (!last) return;
    const messages = batch.map(encodeEvent);
    await this.untilDone(() => this.producer.send({ topic: this.topic, acks: -1, messages }));
    await this.untilDone(() => this.saveCheckpoint(positionOf(last)));
    this.published += batch.length;
  }

  /** Runs `attempt` until it succeeds; rethrows only once the relay is stopping. */
  private async untilDone(attempt: () => Promise<unknown>): Promise<void> {
    await retrying(attempt, {
      backoff: this.retryBackoff,
      signal: this.stopping.signal,
      onFailure: (error) => {
        this.failing = { since: this.failing?.since ?? new Date(), error: String(error) };
        this.options.onError?.(error);
      },
    });
    this.failing = null;
  }

  private async loadCheckpoint(): Promise<LogPosition | null> {
    const { rows } = await this.pool.query<{ position: string }>(
      'SELECT position FROM messaging.relay_checkpoints WHERE name = $1',
      [this.name],
    );
    const stored = rows[0]?.position;
    return stored === undefined ? null : decodePosition(stored);
  }

  private async saveCheckpoint(position: LogPosition): Promise<void> {
    await this.pool.query(
      `INSERT INTO messaging.relay_checkpoints (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = now()`,
      [this.name, encodePosition(position)],
    );
  }
}

/**
 * The producer settings the relay relies on (NOTES.md: kafkajs idempotence needs them).
 * The retry count is no promise: a broker that refuses connections makes kafkajs throw a
 * non-retriable connection error after its broker-pool retries (seen here with a killed
 * broker, after ~20 s). The relay retries such a batch itself (`untilDone`).
 */
export const RELAY_PRODUCER_CONFIG: ProducerConfig = {
  idempotent: true,
  maxInFlightRequests: 1,
  allowAutoTopicCreation: false,
  createPartitioner: Partitioners.DefaultPartitioner,
  retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 10_000 },
};
