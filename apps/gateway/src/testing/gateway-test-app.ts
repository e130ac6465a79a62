import { Redis } from 'ioredis';
import {
  assertTestDatabase,
  createTestDatabase,
  type TestDatabase,
  testServices,
} from '@cvf/test-support';
import { deleteKeys } from '@cvf/cache/testing';
import { type Stack, startStack } from '@cvf/test-support/stack';

export interface GatewayTestApp extends Stack {
  readonly database: TestDatabase;
}

/**
 * The in-process stack (stack.ts) on a fresh `cvf_test_*` database and keys of its own, so
 * spec files run in parallel. `close` drops the database and deletes the spec's Redis keys.
 * `env`: more configuration variables (READ_OWN_WRITES_WAIT_MS, say).
 */
export async function startGatewayTestApp(
  label: string,
  options: { readonly env?: Readonly<Record<string, string>> } = {},
): Promise<GatewayTestApp> {
  const database = await createTestDatabase(label);
  assertTestDatabase(database.url);
  const stack = await startStack({
    databaseUrl: database.url,
    redisUrl: testServices.redisUrl,
    label,
    poolSize: 12,
    ...(options.env ? { env: options.env } : {}),
  });
  return {
    ...stack,
    database,
    close: async () => {
      await stack.close();
      await database.drop();
      const redis = new Redis(testServices.redisUrl);
      try {
        await deleteKeys(redis, `${stack.cache.prefix}:*`);
        await deleteKeys(redis, `bull:${stack.cache.queueName}:*`);
      } finally {
        redis.disconnect();
      }
    },
  };
}
