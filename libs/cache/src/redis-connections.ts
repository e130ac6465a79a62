import { Redis, type RedisOptions } from 'ioredis';

/**
 * The two kinds of Redis connection, with the settings BullMQ's guidance asks for:
 * - `commands`: the cache, dirty cohorts, alerts and the queue producer. `enableOfflineQueue:
 *   false` fails a command at once while Redis is away, so a request or a scheduler call
 *   errors (and the outbox retries) instead of hanging on a growing in-memory backlog.
 * - `worker`: the BullMQ worker's. `maxRetriesPerRequest: null`, because its blocking
 *   commands must wait through reconnects rather than throw and kill the worker loop.
 * Both get an `error` listener: an unhandled `error` event would crash the process.
 * No Nest import here: only cache.module.ts depends on the framework.
 */
export type RedisRole = 'commands' | 'worker';

const ROLE_OPTIONS: Record<RedisRole, RedisOptions> = {
  commands: { enableOfflineQueue: false, maxRetriesPerRequest: 1 },
  worker: { maxRetriesPerRequest: null },
};

export type ErrorLog = (message: string) => void;

const stderrLog: ErrorLog = (message) => process.stderr.write(`${message}\n`);

export function createRedis(
  url: string,
  role: RedisRole,
  name = `cvf-${role}`,
  log: ErrorLog = stderrLog,
): Redis {
  const redis = new Redis(url, { ...ROLE_OPTIONS[role], connectionName: name, lazyConnect: true });
  logErrors(redis, name, log);
  return redis;
}

/** Connects (a lazy connection with no offline queue would refuse its first commands). */
export async function connectRedis(
  url: string,
  role: RedisRole,
  name?: string,
  log?: ErrorLog,
): Promise<Redis> {
  const redis = createRedis(url, role, name, log);
  await redis.connect();
  return redis;
}

/** One log line per distinct error message in a row: a reconnect loop must not flood logs. */
export function logErrors(
  emitter: { on(event: 'error', listener: (error: Error) => void): unknown },
  name: string,
  log: ErrorLog = stderrLog,
): void {
  let last = '';
  emitter.on('error', (error: Error) => {
    if (error.message === last) return;
    last = error.message;
    log(`${name}: ${error.message}`);
  });
}

/** QUIT when possible, else drop the socket: shutdown must not wait on a dead server. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  try {
    await Promise.race([
      redis.quit(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('quit timeout')), 1_000).unref(),
      ),
    ]);
  } catch {
    redis.disconnect();
  }
}
