import { ENVIRONMENT_DEFAULTS, type Environment } from '@cvf/platform';

/** Everything libs/cache needs to know, resolved once at boot. */
export interface CacheOptions {
  readonly redisUrl: string;
  /** Prefix of every cache key (layout.ts). Tests give each spec its own. */
  readonly prefix: string;
  /** TTL of every key written, refreshed on write: the bound noeviction needs. */
  readonly ttlSeconds: number;
  /** BullMQ queue of recompute jobs. */
  readonly queueName: string;
  /** Redis pub/sub channel of alerts. */
  readonly alertsChannel: string;
  readonly readModelSchema: string;
}

export const CACHE_OPTIONS = Symbol.for('cvf.cache.Options');

export const DEFAULT_CACHE_TTL_SECONDS = ENVIRONMENT_DEFAULTS.CACHE_TTL_SECONDS;

/**
 * The cache's slice of the validated environment (the platform's schema holds the rules of
 * CACHE_PREFIX, CACHE_TTL_SECONDS, RECOMPUTE_QUEUE, ALERTS_CHANNEL and READ_MODEL_SCHEMA).
 */
export function cacheOptionsFromEnv(environment: Environment): CacheOptions {
  return {
    redisUrl: environment.REDIS_URL,
    prefix: environment.CACHE_PREFIX,
    ttlSeconds: environment.CACHE_TTL_SECONDS,
    queueName: environment.RECOMPUTE_QUEUE,
    alertsChannel: environment.ALERTS_CHANNEL,
    readModelSchema: environment.READ_MODEL_SCHEMA,
  };
}

/** The defaults of every option but `redisUrl`, for tests and harnesses that set a few. */
export function cacheOptions(
  redisUrl: string,
  overrides: Partial<CacheOptions> = {},
): CacheOptions {
  return { ...cacheOptionsFromEnv(ENVIRONMENT_DEFAULTS), redisUrl, ...overrides };
}
