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
  readonly onError?: (error: unknown) => void;
}

/**
 * Tails the event log with the store's gap-free subscription and publishes every event to
 * Kafka, keyed by company id. The checkpoint is saved only after the broker acknowledged the
 * batch (acks = all, idempotent producer, one request in flight), so a restart resumes without
 * loss; a crash between ack and checkpoint republishes that batch, which consumers skip (they
 * dedupe by per-company log position).
 *
 * Exactly one relay publishes at a time: it holds a PostgreSQL advisory lock on a dedicated
 * connection while it runs; a second instance waits as a hot standby.
 */
export class EventRelay {
  private subscription: Subscription | null = null;
  private lockClient: PoolClient | null = null;
  private stopped = false;
  private readonly name: string;
  private readonly topic: string;
  private published = 0;

  constructor(
    private readonly store: EventStore,
    private readonly pool: Pool,
    private readonly producer: Producer,
    private readonly options: RelayOptions = {},
  ) {
    this.name = options.name ?? 'cvf.events.v1';
    this.topic = options.topic ?? EVENTS_TOPIC;
  }

  get eventsPublished(): number {
    return this.published;
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
      await new Promise((resolve) => setTimeout(resolve, 1_000));
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
    this.stopped = true;
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
    await this.producer.send({ topic: this.topic, acks: -1, messages: batch.map(encodeEvent) });
    await this.saveCheckpoint(positionOf(last));
    this.published += batch.length;
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

/** The producer settings the relay relies on (NOTES.md: kafkajs idempotence needs them). */
// Retries never give up: while the broker is away the relay waits (no checkpoint moves), and
// it carries on where it stopped when the broker is back.
export const RELAY_PRODUCER_CONFIG: ProducerConfig = {
  idempotent: true,
  maxInFlightRequests: 1,
  allowAutoTopicCreation: false,
  createPartitioner: Partitioners.DefaultPartitioner,
  retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 10_000 },
};
