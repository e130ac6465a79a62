import { parseEnvironment } from '@cvf/platform';
import { cacheOptions, cacheOptionsFromEnv, DEFAULT_CACHE_TTL_SECONDS } from './cache.options';

describe('cache options', () => {
  it('given no variables, then the defaults, which cacheOptions shares', () => {
    expect(cacheOptionsFromEnv(parseEnvironment({}))).toEqual({
      redisUrl: 'redis://127.0.0.1:6379',
      prefix: 'cvf',
      ttlSeconds: DEFAULT_CACHE_TTL_SECONDS,
      queueName: 'cvf-recompute',
      alertsChannel: 'cvf:alerts',
      readModelSchema: 'read_model',
    });
    expect(cacheOptions('redis://127.0.0.1:6379')).toEqual(
      cacheOptionsFromEnv(parseEnvironment({})),
    );
    expect(DEFAULT_CACHE_TTL_SECONDS).toBe(7 * 24 * 3_600);
  });

  it('given the cache variables, then each reaches its option', () => {
    expect(
      cacheOptionsFromEnv(
        parseEnvironment({
          REDIS_URL: 'redis://cache:6379',
          CACHE_PREFIX: 'spec.1',
          CACHE_TTL_SECONDS: '3600',
          RECOMPUTE_QUEUE: 'spec-queue',
          ALERTS_CHANNEL: 'spec:alerts',
          READ_MODEL_SCHEMA: 'rm_spec',
        }),
      ),
    ).toEqual({
      redisUrl: 'redis://cache:6379',
      prefix: 'spec.1',
      ttlSeconds: 3_600,
      queueName: 'spec-queue',
      alertsChannel: 'spec:alerts',
      readModelSchema: 'rm_spec',
    });
  });

  it('given overrides, then cacheOptions keeps the rest at their defaults', () => {
    expect(cacheOptions('redis://x:1', { prefix: 'p' })).toMatchObject({
      redisUrl: 'redis://x:1',
      prefix: 'p',
      queueName: 'cvf-recompute',
    });
  });
});
