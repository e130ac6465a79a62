import {
  type DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { RECOMPUTE_SCHEDULER } from '@cvf/read-model';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { type CacheOptions } from './cache.options';
import { CacheKeys } from './layout';
import {
  BullRecomputeScheduler,
  type RecomputeJobData,
  type RecomputeQueue,
} from './recompute/bull-recompute-scheduler';
import { DirtyCohorts } from './recompute/dirty-cohorts';
import { closeRedis, connectRedis, logErrors } from './redis-connections';

/** The fail-fast command connection shared by the cache, dirty cohorts, alerts and producer. */
export const CACHE_REDIS = Symbol.for('cvf.cache.Redis');
export const RECOMPUTE_QUEUE = Symbol.for('cvf.cache.RecomputeQueue');

/** What the scheduler needs of the cache options: Redis, the key prefix, TTL and queue. */
export type RecomputeSchedulerOptions = Pick<
  CacheOptions,
  'redisUrl' | 'prefix' | 'ttlSeconds' | 'queueName'
>;

const nestLog =
  (context: string) =>
  (message: string): void =>
    new Logger(context).error(message);

/** Closes what this module opened, after every `beforeApplicationShutdown` (worker drain). */
class SchedulerConnections implements OnApplicationShutdown {
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
 * `RECOMPUTE_SCHEDULER` (the read model's port) bound to BullMQ, and only what that needs:
 * the Redis command connection, the producer Queue and the companies' dirty cohorts. For a
 * process that schedules recomputes without reading or filling the cache (the projector).
 * CacheModule imports it and re-exports it, so import one or the other, never both: each
 * import would open its own connection and Queue.
 */
@Global()
@Module({})
export class RecomputeSchedulerModule {
  static forRoot(options: RecomputeSchedulerOptions): DynamicModule {
    return {
      module: RecomputeSchedulerModule,
      providers: [
        {
          provide: CACHE_REDIS,
          useFactory: () =>
            connectRedis(options.redisUrl, 'commands', 'cvf-cache', nestLog('Redis')),
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
        SchedulerConnections,
        { provide: CacheKeys, useValue: new CacheKeys(options.prefix) },
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
      ],
      exports: [
        CACHE_REDIS,
        RECOMPUTE_QUEUE,
        CacheKeys,
        DirtyCohorts,
        BullRecomputeScheduler,
        RECOMPUTE_SCHEDULER,
      ],
    };
  }
}
