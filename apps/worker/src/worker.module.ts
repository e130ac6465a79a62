import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { kafkaAlerts } from '@cvf/messaging';
import { CacheModule } from '@cvf/cache';
import { DatabaseModule } from '@cvf/platform';
import { HealthController } from './health/health.controller';
import {
  RECOMPUTE_WORKER_OPTIONS,
  RecomputeWorker,
  type RecomputeWorkerOptions,
} from './recompute.worker';
import { type WorkerConfig } from './worker.config';

/**
 * The recompute worker alone, for any process that already imports `DatabaseModule` and
 * `CacheModule` (both global): the standalone worker below, or the all-in-one process.
 */
@Module({})
export class WorkerModule {
  static forRoot(options: RecomputeWorkerOptions): DynamicModule {
    return {
      module: WorkerModule,
      providers: [{ provide: RECOMPUTE_WORKER_OPTIONS, useValue: options }, RecomputeWorker],
      exports: [RecomputeWorker],
    };
  }
}

/** The standalone worker app: PostgreSQL, Redis, the worker and its health endpoints. */
@Module({})
export class WorkerAppModule {
  static forRoot(config: WorkerConfig): DynamicModule {
    // Distributed mode: alerts go to Kafka cvf.alerts.v1 (ops dashboards, the gateway's SSE),
    // after CacheModule appended them to the alert log in Redis (what SSE clients resume from).
    const kafka =
      config.app.mode === 'distributed'
        ? kafkaAlerts({
            brokers: config.app.kafkaBrokers,
            clientId: `${config.app.kafkaClientId}-worker`,
            topicPrefix: config.app.kafkaTopicPrefix,
          })
        : null;
    return {
      module: WorkerAppModule,
      imports: [
        DatabaseModule.forRoot(config.app, { poolSize: config.worker.concurrency + 2 }),
        ...(kafka ? [kafka.module] : []),
        CacheModule.forRoot(config.cache, kafka ? { alertPublisher: kafka.alertPublisher } : {}),
        WorkerModule.forRoot(config.worker),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [HealthController],
    };
  }
}
