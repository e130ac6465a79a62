import { randomBytes } from 'node:crypto';
import { type RecordedEvent } from '@cvf/event-store';
import {
  type BatchResult,
  migrateReadModel,
  ReadModelProjection,
  ReadModelQueries,
} from '@cvf/read-model';
import { type Redis } from 'ioredis';
import { Pool } from 'pg';
import {
  assertTestDatabase,
  createTestDatabase,
  type TestDatabase,
  testServices,
} from '@cvf/test-support';
import { cacheOptions, type CacheOptions } from '../cache.options';

/** A fresh read-model database per spec, filled through the read model's own projection. */
export interface ReadModelEnv {
  readonly db: TestDatabase;
  readonly pool: Pool;
  readonly queries: ReadModelQueries;
  apply(events: readonly RecordedEvent[]): Promise<BatchResult>;
  close(): Promise<void>;
}

export async function readModelEnv(label: string): Promise<ReadModelEnv> {
  const db = await createTestDatabase(label);
  assertTestDatabase(db.url);
  const pool = new Pool({ connectionString: db.url, max: 5 });
  await migrateReadModel(pool);
  const projection = new ReadModelProjection(pool);
  return {
    db,
    pool,
    queries: new ReadModelQueries(pool),
    apply: (events) => projection.applyBatch(events),
    close: async () => {
      await pool.end();
      await db.drop();
    },
  };
}

/** Cache options with a prefix, queue and channel of their own: specs run in parallel. */
export function uniqueCacheOptions(
  label: string,
  overrides: Partial<CacheOptions> = {},
  redisUrl: string = testServices.redisUrl,
): CacheOptions {
  const suffix = `${label}-${randomBytes(4).toString('hex')}`;
  return cacheOptions(redisUrl, {
    prefix: `cvftest:${suffix}`,
    queueName: `cvftest-recompute-${suffix}`,
    alertsChannel: `cvftest:alerts:${suffix}`,
    ...overrides,
  });
}

/** Deletes every key matching the pattern (SCAN, never KEYS). */
export async function deleteKeys(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
