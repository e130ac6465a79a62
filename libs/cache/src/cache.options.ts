import { DEFAULT_READ_MODEL_SCHEMA } from '@cvf/read-model';

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

export const DEFAULT_CACHE_TTL_SECONDS = 7 * 24 * 3_600;

export function cacheOptions(
  redisUrl: string,
  overrides: Partial<CacheOptions> = {},
): CacheOptions {
  return {
    redisUrl,
    prefix: 'cvf',
    ttlSeconds: DEFAULT_CACHE_TTL_SECONDS,
    queueName: 'cvf-recompute',
    alertsChannel: 'cvf:alerts',
    readModelSchema: DEFAULT_READ_MODEL_SCHEMA,
    ...overrides,
  };
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * CACHE_PREFIX, CACHE_TTL_SECONDS (60 s to 90 days), RECOMPUTE_QUEUE, ALERTS_CHANNEL,
 * READ_MODEL_SCHEMA. Returns one problem per bad variable (the caller stops the process
 * with all of them, see the platform's ConfigError) next to the options with defaults.
 */
export function cacheOptionsFromEnv(
  redisUrl: string,
  env: Env = process.env,
): { readonly options: CacheOptions; readonly problems: readonly string[] } {
  const problems: string[] = [];
  const text = (name: string, pattern: RegExp): string | undefined => {
    const value = env[name];
    if (value === undefined || value === '') return undefined;
    if (!pattern.test(value)) problems.push(`${name}: '${value}' must match ${String(pattern)}`);
    return value;
  };
  const name = /^[A-Za-z0-9_.:-]{1,64}$/;
  const ttl = text('CACHE_TTL_SECONDS', /^\d{1,9}$/);
  if (ttl !== undefined && (Number(ttl) < 60 || Number(ttl) > 90 * 86_400)) {
    problems.push(`CACHE_TTL_SECONDS: must be from 60 to ${90 * 86_400} (got '${ttl}')`);
  }
  const options = cacheOptions(redisUrl, {
    ...definedOnly({
      prefix: text('CACHE_PREFIX', name),
      queueName: text('RECOMPUTE_QUEUE', /^[A-Za-z0-9_.-]{1,64}$/),
      alertsChannel: text('ALERTS_CHANNEL', name),
      readModelSchema: text('READ_MODEL_SCHEMA', /^[a-z_][a-z0-9_]{0,62}$/),
    }),
    ...(ttl === undefined ? {} : { ttlSeconds: Number(ttl) }),
  });
  return { options, problems };
}

function definedOnly<T extends Record<string, string | undefined>>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
