import { cacheOptionsFromEnv, type CacheOptions } from '@cvf/cache';
import { type AppConfig, ConfigError, loadConfig } from '@cvf/platform';
import { DEFAULT_WORKER_OPTIONS, type RecomputeWorkerOptions } from './recompute.worker';

export interface WorkerConfig {
  readonly app: AppConfig;
  readonly cache: CacheOptions;
  readonly worker: RecomputeWorkerOptions;
}

type Env = Readonly<Record<string, string | undefined>>;

const INTEGERS: Record<keyof RecomputeWorkerOptions, { env: string; min: number; max: number }> = {
  concurrency: { env: 'WORKER_CONCURRENCY', min: 1, max: 64 },
  shutdownTimeoutMs: { env: 'WORKER_SHUTDOWN_TIMEOUT_MS', min: 0, max: 600_000 },
  lockDurationMs: { env: 'WORKER_LOCK_DURATION_MS', min: 1_000, max: 600_000 },
  stalledIntervalMs: { env: 'WORKER_STALLED_INTERVAL_MS', min: 1_000, max: 600_000 },
};

/**
 * The platform's configuration plus the cache's and the worker's own variables, validated at
 * once: every bad variable is named in one ConfigError.
 */
export function loadWorkerConfig(env: Env = process.env): WorkerConfig {
  const problems: string[] = [];
  const collect = <T>(read: () => T, fallback: T): T => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return fallback;
    }
  };
  const app = collect(() => loadConfig(env), null);
  const cache = cacheOptionsFromEnv(app?.redisUrl ?? '', env);
  problems.push(...cache.problems);
  const integer = (key: keyof RecomputeWorkerOptions): number => {
    const { env: name, min, max } = INTEGERS[key];
    const raw = env[name];
    if (raw === undefined || raw === '') return DEFAULT_WORKER_OPTIONS[key];
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name}: must be a whole number from ${min} to ${max} (got '${raw}')`);
      return DEFAULT_WORKER_OPTIONS[key];
    }
    return Number(raw);
  };
  const worker: RecomputeWorkerOptions = {
    concurrency: integer('concurrency'),
    shutdownTimeoutMs: integer('shutdownTimeoutMs'),
    lockDurationMs: integer('lockDurationMs'),
    stalledIntervalMs: integer('stalledIntervalMs'),
  };
  if (problems.length > 0 || !app) throw new ConfigError(problems);
  return { app, cache: cache.options, worker };
}

/** For main.ts: parse or exit(78, EX_CONFIG) naming each bad variable. */
export function loadWorkerConfigOrExit(env: Env = process.env): WorkerConfig {
  try {
    return loadWorkerConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}
