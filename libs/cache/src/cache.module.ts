import {
  type DynamicModule,
  type FactoryProvider,
  Global,
  Module,
  type Provider,
} from '@nestjs/common';
import { PG_POOL } from '@cvf/platform';
import { ReadModelQueries } from '@cvf/read-model';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { ALERT_PUBLISHER, type AlertPublisher } from './alerts/alert';
import { AlertLog, alertLogOf, RetainingAlertPublisher } from './alerts/alert-log';
import { BreachAlerter, RedisAlertPublisher } from './alerts/breach-alerter';
import { CACHE_OPTIONS, type CacheOptions } from './cache.options';
import { CachedResultsReader } from './cached-results-reader';
import { type Clock, CLOCK, systemClock } from './clock';
import { CohortCache } from './cohort-cache';
import { CacheKeys } from './layout';
import { COMPANY_READ_MODEL, type CompanyReadModel } from './read-model.port';
import { DirtyCohorts } from './recompute/dirty-cohorts';
import { RecomputeJobProcessor } from './recompute/recompute-job';
import { CohortRecomputer } from './recompute/recomputer';
import { CACHE_REDIS, RecomputeSchedulerModule } from './recompute-scheduler.module';

/** What carries alerts live (pub/sub or Kafka), behind the retaining ALERT_PUBLISHER. */
const ALERT_TRANSPORT = Symbol('cvf.cache.AlertTransport');

/**
 * The cache, its reader, the recomputer, the alert publisher and the alert log, bound once
 * per process, over RecomputeSchedulerModule (the Redis command connection, the BullMQ
 * scheduler and the dirty cohorts), which it imports and re-exports. Needs `PG_POOL`
 * (DatabaseModule) for the read models. Every app that reads or fills the cache imports it:
 * the worker, the gateway (recompute on a miss; the alert log for the breach stream), or
 * both in one process; a process that only schedules recomputes (the projector) imports
 * RecomputeSchedulerModule alone.
 */
@Global()
@Module({})
export class CacheModule {
  /**
   * `alertPublisher` replaces the Redis pub/sub publisher (distributed mode: Kafka
   * `cvf.alerts.v1`); alerts are retained in the alert log (this Redis) either way.
   */
  static forRoot(
    options: CacheOptions,
    overrides: { alertPublisher?: Omit<FactoryProvider<AlertPublisher>, 'provide'> } = {},
  ): DynamicModule {
    const providers: Provider[] = [
      { provide: CACHE_OPTIONS, useValue: options },
      { provide: CLOCK, useValue: systemClock },
      {
        provide: COMPANY_READ_MODEL,
        useFactory: (pool: Pool): CompanyReadModel =>
          new ReadModelQueries(pool, options.readModelSchema),
        inject: [PG_POOL],
      },
      {
        provide: CohortCache,
        useFactory: (redis: Redis, keys: CacheKeys) =>
          new CohortCache(redis, keys, options.ttlSeconds),
        inject: [CACHE_REDIS, CacheKeys],
      },
      {
        provide: CachedResultsReader,
        useFactory: (redis: Redis, keys: CacheKeys) => new CachedResultsReader(redis, keys),
        inject: [CACHE_REDIS, CacheKeys],
      },
      {
        provide: AlertLog,
        useFactory: (redis: Redis, keys: CacheKeys, clock: Clock) => alertLogOf(redis, keys, clock),
        inject: [CACHE_REDIS, CacheKeys, CLOCK],
      },
      {
        provide: ALERT_TRANSPORT,
        ...(overrides.alertPublisher ?? {
          useFactory: (redis: Redis): AlertPublisher =>
            new RedisAlertPublisher(redis, options.alertsChannel),
          inject: [CACHE_REDIS],
        }),
      },
      {
        // Every alert is retained before it goes out, whichever transport carries it live.
        provide: ALERT_PUBLISHER,
        useFactory: (log: AlertLog, transport: AlertPublisher): AlertPublisher =>
          new RetainingAlertPublisher(log, transport),
        inject: [AlertLog, ALERT_TRANSPORT],
      },
      {
        provide: BreachAlerter,
        useFactory: (redis: Redis, keys: CacheKeys, publisher: AlertPublisher) =>
          new BreachAlerter(redis, keys, options.ttlSeconds, publisher),
        inject: [CACHE_REDIS, CacheKeys, ALERT_PUBLISHER],
      },
      {
        provide: CohortRecomputer,
        useFactory: (
          readModel: CompanyReadModel,
          cache: CohortCache,
          alerter: BreachAlerter,
          clock: Clock,
        ) => new CohortRecomputer(readModel, cache, alerter, clock),
        inject: [COMPANY_READ_MODEL, CohortCache, BreachAlerter, CLOCK],
      },
      {
        provide: RecomputeJobProcessor,
        useFactory: (dirty: DirtyCohorts, recomputer: CohortRecomputer) =>
          new RecomputeJobProcessor(dirty, recomputer),
        inject: [DirtyCohorts, CohortRecomputer],
      },
    ];
    const scheduler = RecomputeSchedulerModule.forRoot(options);
    return {
      module: CacheModule,
      imports: [scheduler],
      providers,
      exports: [
        // CACHE_REDIS, RECOMPUTE_QUEUE, CacheKeys, DirtyCohorts, BullRecomputeScheduler and
        // RECOMPUTE_SCHEDULER, from the one connection and Queue of this process.
        scheduler,
        CACHE_OPTIONS,
        CLOCK,
        COMPANY_READ_MODEL,
        CohortCache,
        CachedResultsReader,
        AlertLog,
        ALERT_PUBLISHER,
        BreachAlerter,
        CohortRecomputer,
        RecomputeJobProcessor,
      ],
    };
  }
}
