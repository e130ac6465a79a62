import {
  type DynamicModule,
  type FactoryProvider,
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { PG_POOL } from '@cvf/platform';
import { RECOMPUTE_SCHEDULER, ReadModelQueries } from '@cvf/read-model';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { ALERT_PUBLISHER, type AlertPublisher } from './alerts/alert';
import { BreachAlerter, RedisAlertPublisher } from './alerts/breach-alerter';
import { CACHE_OPTIONS, type CacheOptions } from './cache.options';
import { type Clock, CLOCK, systemClock } from './clock';
import { CohortCache } from './cohort-cache';
import { CacheKeys } from './layout';
import { COMPANY_READ_MODEL, type CompanyReadModel } from './read-model.port';
import {
  BullRecomputeScheduler,
  type RecomputeJobData,
  type RecomputeQueue,
} from './recompute/bull-recompute-scheduler';
import { DirtyCohorts } from './recompute/dirty-cohorts';
import { RecomputeJobProcessor } from './recompute/recompute-job';
import { CohortRecomputer } from './recompute/recomputer';
import { closeRedis, connectRedis, logErrors } from './redis-connections';

/** The fail-fast command connection shared by the cache, dirty cohorts, alerts and producer. */
export const CACHE_REDIS = Symbol.for('cvf.cache.Redis');
export const RECOMPUTE_QUEUE = Symbol.for('cvf.cache.RecomputeQueue');

const nestLog =
  (context: string) =>
  (message: string): void =>
    new Logger(context).error(message);

/** Closes what this module opened, after every `beforeApplicationShutdown` (worker drain). */
class CacheConnections implements OnApplicationShutdown {
  constructor(
    @Inject(CACHE_REDIS) private readonly redis: Redis,
    @Inject(RECOMPUTE_QUEUE) private readonly queue: RecomputeQueue,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    await closeRedis(this.redis);
  }
}

/**
 * Redis connections, the cache, the recomputer, the BullMQ scheduler and the alert
 * publisher, bound once per process. Needs `PG_POOL` (DatabaseModule) for the read models.
 * Every app that reads or fills the cache imports it: the worker, the gateway (recompute on
 * a miss), the projector (scheduler), or all of them in one process.
 */
@Global()
@Module({})
export class CacheModule {
  /**
   * `alertPublisher` replaces the Redis pub/sub publisher (distributed mode: Kafka
   * `cvf.alerts.v1`).
   */
  static forRoot(
    options: CacheOptions,
    overrides: { alertPublisher?: Omit<FactoryProvider<AlertPublisher>, 'provide'> } = {},
  ): DynamicModule {
    const providers: Provider[] = [
      { provide: CACHE_OPTIONS, useValue: options },
      { provide: CLOCK, useValue: systemClock },
      {
        provide: CACHE_REDIS,
        useFactory: () => connectRedis(options.redisUrl, 'commands', 'cvf-cache', nestLog('Redis')),
      },
      {
        provide: RECOMPUTE_QUEUE,
        useFactory: (redis: Redis): RecomputeQueue => {
          const queue = new Queue<RecomputeJobData>(options.queueName, { connection: redis });
          logErrors(queue, `queue ${options.queueName}`, nestLog('BullMQ'));
          return queue as RecomputeQueue;
        },
        inject: [CACHE_REDIS],
      },
      CacheConnections,
      { provide: CacheKeys, useValue: new CacheKeys(options.prefix) },
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
        provide: ALERT_PUBLISHER,
        ...(overrides.alertPublisher ?? {
          useFactory: (redis: Redis): AlertPublisher =>
            new RedisAlertPublisher(redis, options.alertsChannel),
          inject: [CACHE_REDIS],
        }),
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
        provide: DirtyCohorts,
        useFactory: (redis: Redis, keys: CacheKeys) =>
          new DirtyCohorts(redis, keys, options.ttlSeconds),
        inject: [CACHE_REDIS, CacheKeys],
      },
      {
        provide: BullRecomputeScheduler,
        useFactory: (queue: RecomputeQueue, dirty: DirtyCohorts) =>
          new BullRecomputeScheduler(queue, dirty),
        inject: [RECOMPUTE_QUEUE, DirtyCohorts],
      },
      { provide: RECOMPUTE_SCHEDULER, useExisting: BullRecomputeScheduler },
      {
        provide: RecomputeJobProcessor,
        useFactory: (dirty: DirtyCohorts, recomputer: CohortRecomputer) =>
          new RecomputeJobProcessor(dirty, recomputer),
        inject: [DirtyCohorts, CohortRecomputer],
      },
    ];
    return {
      module: CacheModule,
      providers,
      exports: [
        CACHE_OPTIONS,
        CLOCK,
        CACHE_REDIS,
        RECOMPUTE_QUEUE,
        CacheKeys,
        COMPANY_READ_MODEL,
        CohortCache,
        ALERT_PUBLISHER,
        BreachAlerter,
        CohortRecomputer,
        DirtyCohorts,
        BullRecomputeScheduler,
        RECOMPUTE_SCHEDULER,
        RecomputeJobProcessor,
      ],
    };
  }
}
