import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CACHE_OPTIONS, type CacheOptions } from '@cvf/cache';
import { comparePositions, encodePosition, type LogPosition } from '@cvf/event-store';
import { PG_POOL } from '@cvf/platform';
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

/**
 * The gateway's access to the PostgreSQL read models. Reads run in one read-only
 * REPEATABLE READ transaction, so the position a response reports and the rows it shows come
 * from the same snapshot (the projection stores its checkpoint with each batch). Read-only
 * transactions take no transaction id, so they never hold the event log's readers back.
 */
@Injectable()
export class ReadModelGate implements OnModuleInit {
  readonly schema: string;
  private readonly projection = new Coalescer<LogPosition | null>(5);
  private readonly companies = new Coalescer<ReadModelPositions>(5);

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CACHE_OPTIONS) options: CacheOptions,
  ) {
    this.schema = options.readModelSchema;
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
    return this.snapshot(async (db) => {
      const position = await projectionPosition(db, this.schema);
      return { value: await work(db), position: position ? encodePosition(position) : NO_POSITION };
    });
  }

  private async awaitProjection(min: LogPosition): Promise<void> {
    const started = Date.now();
    for (;;) {
      const reached = await this.projection.get('', () =>
        projectionPosition(this.pool, this.schema),
      );
      if (comparePositions(reached, min) >= 0) return;
      const waited = Date.now() - started;
      if (waited >= READ_YOUR_WRITES_WAIT_MS) {
        throw new NotYetConsistentError(min, reached && encodePosition(reached), waited);
      }
      await sleep(POLL_MS);
    }
  }

  private async snapshot<T>(work: (db: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
