import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CACHE_OPTIONS, type CacheOptions } from '@cvf/cache';
import {
  comparePositions,
  encodePosition,
  EVENT_STORE,
  type EventStore,
  type LogPosition,
} from '@cvf/event-store';
import { APP_CONFIG, type AppConfig, PG_POOL } from '@cvf/platform';
import {
  migrateReadModel,
  projectionPosition,
  type Queryable,
  readModelPositions,
  type ReadModelPositions,
} from '@cvf/read-model';
import { Pool } from 'pg';
import { NO_POSITION, NotYetConsistentError } from '../http/not-yet-consistent';
import { Coalescer, POLL_MS, READ_YOUR_WRITES_WAIT_MS, sleep } from './polling';

/** What a read found, and the position of the projection in the snapshot it found it in. */
interface SnapshotRead<T> {
  readonly value: T;
  readonly projection: LogPosition | null;
}

/**
 * The gateway's access to the PostgreSQL read models. Reads run in one read-only
 * REPEATABLE READ transaction, so the position a response reports and the rows it shows come
 * from the same snapshot (the projection stores its checkpoint with each batch). Read-only
 * transactions take no transaction id, so they never hold the event log's readers back.
 *
 * Read-your-writes, two ways: with `min_position` a read waits for that position first
 * (`read`); without it, a read that finds nothing waits for the log's head before it says so
 * (`find`, `awaitLogHead`), so a client reading right after its own write sees it.
 */
@Injectable()
export class ReadModelGate implements OnModuleInit {
  readonly schema: string;
  private readonly ownWritesWaitMs: number;
  private readonly projection = new Coalescer<LogPosition | null>(5);
  private readonly companies = new Coalescer<ReadModelPositions>(5);

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CACHE_OPTIONS) options: CacheOptions,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.schema = options.readModelSchema;
    this.ownWritesWaitMs = config.readOwnWritesWaitMs;
  }

  /** The tables must exist before the first query, whichever process starts first. */
  async onModuleInit(): Promise<void> {
    await migrateReadModel(this.pool, this.schema);
  }

  /** Projection and company positions from one snapshot (shared by concurrent waiters). */
  positions(companyId: string): Promise<ReadModelPositions> {
    return this.companies.get(companyId, () =>
      readModelPositions(this.pool, this.schema, companyId),
    );
  }

  /**
   * Waits (bounded) until the read models reflect `min`, then runs `work` in one snapshot.
   * @throws NotYetConsistentError when the wait runs out.
   */
  async read<T>(
    min: LogPosition | null,
    work: (db: Queryable) => Promise<T>,
  ): Promise<{ value: T; position: string }> {
    if (min !== null) await this.awaitProjection(min);
    return served(await this.snapshot(work));
  }

  /**
   * `read` for something that may not exist (yet): `work` answers null for "not there".
   * Without `min`, a miss in a snapshot behind the log's head waits (READ_OWN_WRITES_WAIT_MS
   * at most) for the projection to pass it and looks once more: the caller's own write, acknowledged before this request, is then
   * in the read models, and null means it does not exist. A found value costs nothing more.
   */
  async find<T>(
    min: LogPosition | null,
    work: (db: Queryable) => Promise<T | null>,
  ): Promise<{ value: T | null; position: string }> {
    if (min !== null) return this.read(min, work);
    const first = await this.snapshot(work);
    if (first.value !== null || !(await this.passLogHead(first.projection))) return served(first);
    return served(await this.snapshot(work));
  }

  /**
   * For a miss found elsewhere (a recompute of the cache that met no company): waits
   * (bounded) until the projection has passed the log's head as it is now.
   * @returns whether to look again: false when there is nothing to wait for (an empty log,
   *   or the wait configured off).
   */
  awaitLogHead(): Promise<boolean> {
    return this.passLogHead('unknown');
  }

  /**
   * The head is read after the miss, so it covers every write acknowledged before the
   * request began; it is the last *committed* event (EventStore.headPosition), so a write
   * behind a transaction still open counts too (the projection passes it once that ends).
   * `seen`: the projection position the miss was read at; when it covers the head the miss
   * stands, with no wait. A wait that runs out is no error: the look that follows decides.
   */
  private async passLogHead(seen: LogPosition | null | 'unknown'): Promise<boolean> {
    if (this.ownWritesWaitMs === 0) return false;
    const head = await this.store.headPosition();
    if (head === null) return false;
    if (seen !== 'unknown' && comparePositions(seen, head) >= 0) return false;
    await this.reachProjection(head, this.ownWritesWaitMs);
    return true;
  }

  private async awaitProjection(min: LogPosition): Promise<void> {
    const { reached, position, waitedMs } = await this.reachProjection(
      min,
      READ_YOUR_WRITES_WAIT_MS,
    );
    if (!reached) {
      throw new NotYetConsistentError(min, position && encodePosition(position), waitedMs);
    }
  }

  /** Polls the projection's checkpoint (shared by every waiter) until it reaches `target`. */
  private async reachProjection(
    target: LogPosition,
    waitMs: number,
  ): Promise<{ reached: boolean; position: LogPosition | null; waitedMs: number }> {
    const started = Date.now();
    for (;;) {
      const position = await this.projection.get('', () =>
        projectionPosition(this.pool, this.schema),
      );
      const waitedMs = Date.now() - started;
      if (comparePositions(position, target) >= 0) return { reached: true, position, waitedMs };
      if (waitedMs >= waitMs) return { reached: false, position, waitedMs };
      await sleep(POLL_MS);
    }
  }

  private async snapshot<T>(work: (db: Queryable) => Promise<T>): Promise<SnapshotRead<T>> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const projection = await projectionPosition(client, this.schema);
      const value = await work(client);
      await client.query('COMMIT');
      return { value, projection };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

const served = <T>({ value, projection }: SnapshotRead<T>) => ({
  value,
  position: projection ? encodePosition(projection) : NO_POSITION,
});
