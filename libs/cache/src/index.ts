// Import as `@cvf/cache`. The Redis layout of computed results is documented in layout.ts.
export { CacheKeys, ALL_COHORTS, companyViews, type NamedView, type ViewKey } from './layout';
export { toSortable, fromSortable, minPosition, type SortablePosition } from './position';
export type {
  CohortEntry,
  CompanyMetrics,
  ResultMetadata,
  StoredCohortEntry,
  StoredMetrics,
  StoredRollup,
} from './documents';
export { cohortEntry, rollUpEntries, sumMoney } from './rollup';
export { companyMetrics, metricsAsOf, monthOf } from './metrics';
export { CohortCache } from './cohort-cache';
export { CachedResultsReader, type CachedValue } from './cached-results-reader';
export { type Clock, CLOCK, systemClock } from './clock';
export { COMPANY_READ_MODEL, type CompanyReadModel } from './read-model.port';
export {
  ALERT_PUBLISHER,
  ALERT_TYPES,
  alertConditions,
  alertContent,
  breachAlertId,
  cappedAlertId,
  deliveryRejectedAlertId,
  parseAlert,
  type Alert,
  type AlertChange,
  type AlertPublisher,
  type AlertType,
  type BreachAlert,
  type DeliveryRejectedAlert,
  type PublishedAlert,
} from './alerts/alert';
export {
  ALERT_LOG_BOUNDS,
  AlertLog,
  alertLogOf,
  RetainingAlertPublisher,
  type AlertLogBounds,
  type RetainedAlert,
} from './alerts/alert-log';
export {
  compareAlertLogIds,
  LOG_START,
  parseAlertLogId,
  type AlertLogId,
} from './alerts/alert-log-id';
export { BreachAlerter, RedisAlertPublisher } from './alerts/breach-alerter';
export {
  CohortRecomputer,
  type RecomputeOptions,
  type RecomputeOutcome,
} from './recompute/recomputer';
export { DirtyCohorts, type DirtySnapshot } from './recompute/dirty-cohorts';
export {
  BullRecomputeScheduler,
  RECOMPUTE_JOB_NAME,
  RECOMPUTE_JOB_OPTIONS,
  RECOMPUTE_BACKOFF,
  RECOMPUTE_WORKER_SETTINGS,
  recomputeBackoff,
  type RecomputeJobData,
  type RecomputeQueue,
} from './recompute/bull-recompute-scheduler';
export {
  RecomputeJobProcessor,
  dirtyMonths,
  type RecomputeJobResult,
} from './recompute/recompute-job';
export {
  closeRedis,
  connectRedis,
  createRedis,
  logErrors,
  type RedisRole,
} from './redis-connections';
export {
  CACHE_OPTIONS,
  DEFAULT_CACHE_TTL_SECONDS,
  cacheOptions,
  cacheOptionsFromEnv,
  type CacheOptions,
} from './cache.options';
export { CacheModule } from './cache.module';
export {
  CACHE_REDIS,
  RECOMPUTE_QUEUE,
  RecomputeSchedulerModule,
  type RecomputeSchedulerOptions,
} from './recompute-scheduler.module';
