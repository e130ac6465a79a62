import { Global, Inject, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { type Redis } from 'ioredis';
import {
  ALERT_PUBLISHER,
  alertLogOf,
  type AlertPublisher,
  CacheKeys,
  cacheOptionsFromEnv,
  closeRedis,
  connectRedis,
  RetainingAlertPublisher,
  systemClock,
} from '@cvf/cache';
import { kafkaAlerts } from '@cvf/messaging';
import { appConfigFrom, createHttpApp, DatabaseModule, loadConfigOrExit } from '@cvf/platform';
import { IngestHealthController } from './health/health.controller';
import { IngestModule } from './ingest.module';

async function main(): Promise<void> {
  const { config, cache } = loadConfigOrExit((environment) => ({
    config: appConfigFrom(environment),
    cache: cacheOptionsFromEnv(environment),
  }));
  // Distributed mode: a rejected webhook delivery is announced on Kafka's alerts topic, where
  // operations' dashboards and the gateway's breach stream read breach alerts; it is first
  // retained in the alert log (Redis), as the worker's alerts are, so a breach stream that
  // reconnects with Last-Event-ID is sent it again.
  const kafka =
    config.mode === 'distributed'
      ? kafkaAlerts({
          brokers: config.kafkaBrokers,
          clientId: `${config.kafkaClientId}-ingest`,
          topicPrefix: config.kafkaTopicPrefix,
        })
      : null;
  const alerts: Provider[] = kafka
    ? [
        { provide: KAFKA_ALERTS, ...kafka.alertPublisher },
        {
          provide: ALERT_LOG_REDIS,
          useFactory: () => connectRedis(cache.redisUrl, 'commands', 'cvf-ingest-alert-log'),
        },
        {
          provide: ALERT_PUBLISHER,
          useFactory: (redis: Redis, transport: AlertPublisher) =>
            new RetainingAlertPublisher(
              alertLogOf(redis, new CacheKeys(cache.prefix), systemClock),
              transport,
            ),
          inject: [ALERT_LOG_REDIS, KAFKA_ALERTS],
        },
        AlertLogConnection,
      ]
    : [];
  @Global()
  @Module({ providers: alerts, exports: alerts.length > 0 ? [ALERT_PUBLISHER] : [] })
  class IngestAlertsModule {}
  @Module({
    imports: [
      DatabaseModule.forRoot(config),
      ...(kafka ? [kafka.module] : []),
      IngestAlertsModule,
      IngestModule,
      TerminusModule.forRoot({ logger: false }),
    ],
    controllers: [IngestHealthController],
  })
  class IngestAppModule {}

  const app = await createHttpApp(IngestAppModule, config, {
    title: 'CVF ingest',
    description: 'Commands, CSV uploads and signed webhooks become domain events.',
    bodyLimitBytes: 1024 * 1024,
  });
  await app.listen({ port: config.port, host: config.host });
  process.stdout.write(
    `ingest listening on http://${config.host}:${config.port} (OpenAPI at /docs)\n`,
  );
}

const KAFKA_ALERTS = Symbol('ingest Kafka alerts');
const ALERT_LOG_REDIS = Symbol('ingest alert log Redis');

/** Closes the alert log's Redis connection when the process stops. */
class AlertLogConnection implements OnApplicationShutdown {
  constructor(@Inject(ALERT_LOG_REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.redis);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`ingest failed to start: ${String(error)}\n`);
  process.exit(1);
});
