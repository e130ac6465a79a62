import { cacheOptions } from '@cvf/cache';
import { ConfigError, loadConfig, parseEnvironment } from '@cvf/platform';
import { DEFAULT_WORKER_OPTIONS } from './recompute.worker';
import { workerConfigFrom } from './worker.config';

describe('the worker configuration', () => {
  it('given no variables, then the worker, cache and platform defaults', () => {
    const config = workerConfigFrom(parseEnvironment({}));
    expect(config.worker).toEqual(DEFAULT_WORKER_OPTIONS);
    expect(config.cache).toEqual(cacheOptions('redis://127.0.0.1:6379'));
    expect(config.app).toEqual(loadConfig({}));
  });

  it('given its variables, then they reach the worker and the cache', () => {
    const config = workerConfigFrom(
      parseEnvironment({
        WORKER_CONCURRENCY: '8',
        WORKER_SHUTDOWN_TIMEOUT_MS: '0',
        WORKER_LOCK_DURATION_MS: '5000',
        WORKER_STALLED_INTERVAL_MS: '600000',
        RECOMPUTE_QUEUE: 'q1',
        REDIS_URL: 'rediss://cache:6380',
      }),
    );
    expect(config.worker).toEqual({
      concurrency: 8,
      shutdownTimeoutMs: 0,
      lockDurationMs: 5_000,
      stalledIntervalMs: 600_000,
    });
    expect(config.cache).toMatchObject({ queueName: 'q1', redisUrl: 'rediss://cache:6380' });
  });

  it('given bad worker, cache and platform variables, then one error names them all', () => {
    let error: unknown;
    try {
      parseEnvironment({
        WORKER_LOCK_DURATION_MS: '999',
        CACHE_TTL_SECONDS: 'week',
        PORT: 'eighty',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      "PORT: must be a whole number from 0 to 65535 (got 'eighty')",
      "CACHE_TTL_SECONDS: must be a whole number from 60 to 7776000 (got 'week')",
      "WORKER_LOCK_DURATION_MS: must be a whole number from 1000 to 600000 (got '999')",
    ]);
  });
});
