import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { type CacheOptions, RecomputeSchedulerModule } from '@cvf/cache';
import { EVENT_STORE, type EventStore } from '@cvf/event-store';
import { type AppConfig, DatabaseModule } from '@cvf/platform';
import {
  KAFKA,
  KAFKA_TOPICS,
  KafkaEventSource,
  type KafkaTopics,
  MessagingModule,
} from '@cvf/messaging';
import { DEFAULT_READ_MODEL_SCHEMA } from '@cvf/read-model';
import { type Kafka } from 'kafkajs';
import { eventStoreSource } from './event-source.port';
import { ProjectorHealthController } from './health.controller';
import {
  PROJECTION_EVENT_SOURCE,
  PROJECTOR_SETTINGS,
  type ProjectorModuleOptions,
} from './projector.options';
import { ProjectorService } from './projector.service';

/**
 * The projector alone, for any process that already imports `DatabaseModule` (PG_POOL,
 * EVENT_STORE) and, to dispatch recompute jobs, `RecomputeSchedulerModule` or `CacheModule`
 * (either binds RECOMPUTE_SCHEDULER): the standalone app below or the all-in-one process.
 * The event source is replaceable (Kafka in distributed mode) through `source`.
 */
@Module({})
export class ProjectorModule {
  static register(options: ProjectorModuleOptions = {}): DynamicModule {
    return {
      module: ProjectorModule,
      providers: [
        {
          provide: PROJECTOR_SETTINGS,
          useValue: { schema: options.schema ?? DEFAULT_READ_MODEL_SCHEMA },
        },
        {
          provide: PROJECTION_EVENT_SOURCE,
          ...(options.source ?? {
            useFactory: (store: EventStore) => eventStoreSource(store),
            inject: [EVENT_STORE],
          }),
        },
        ProjectorService,
      ],
      exports: [ProjectorService],
    };
  }
}

/** The standalone projector app: PostgreSQL, Redis (scheduler), the projector and its health. */
@Module({})
export class ProjectorAppModule {
  static forRoot(config: { readonly app: AppConfig; readonly cache: CacheOptions }): DynamicModule {
    // Distributed mode: the log arrives through Kafka cvf.events.v1 (consumer group
    // cvf-projector; instances share the partitions) instead of the event store directly.
    const distributed = config.app.mode === 'distributed';
    const kafka = {
      brokers: config.app.kafkaBrokers,
      clientId: `${config.app.kafkaClientId}-projector`,
      topicPrefix: config.app.kafkaTopicPrefix,
    };
    return {
      module: ProjectorAppModule,
      imports: [
        // Batches, the subscription's LISTEN connection, the outbox and health checks.
        DatabaseModule.forRoot(config.app, { poolSize: 6 }),
        // Only the scheduler of recompute jobs: the projector never reads or fills the cache.
        RecomputeSchedulerModule.forRoot(config.cache),
        ...(distributed ? [MessagingModule.forRoot(kafka)] : []),
        ProjectorModule.register({
          schema: config.cache.readModelSchema,
          ...(distributed && {
            source: {
              useFactory: (client: Kafka, topics: KafkaTopics) =>
                new KafkaEventSource(client, {
                  groupId: topics.projectorGroup,
                  topic: topics.events,
                }),
              inject: [KAFKA, KAFKA_TOPICS],
            },
          }),
        }),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [ProjectorHealthController],
    };
  }
}
