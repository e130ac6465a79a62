import { cacheOptionsFromEnv, type CacheOptions } from '@cvf/cache';
import { type AppConfig, appConfigFrom, type Environment } from '@cvf/platform';
import { type RecomputeWorkerOptions } from './recompute.worker';

export interface WorkerConfig {
  readonly app: AppConfig;
  readonly cache: CacheOptions;
  readonly worker: RecomputeWorkerOptions;
}

/** The worker's slices of the validated environment: `loadConfigOrExit(workerConfigFrom)`. */
export function workerConfigFrom(environment: Environment): WorkerConfig {
  return {
    app: appConfigFrom(environment),
    cache: cacheOptionsFromEnv(environment),
    worker: {
      concurrency: environment.WORKER_CONCURRENCY,
      shutdownTimeoutMs: environment.WORKER_SHUTDOWN_TIMEOUT_MS,
      lockDurationMs: environment.WORKER_LOCK_DURATION_MS,
      stalledIntervalMs: environment.WORKER_STALLED_INTERVAL_MS,
    },
  };
}
