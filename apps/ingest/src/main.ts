import { Global, Module, type Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ALERT_PUBLISHER } from '@cvf/cache';
import { kafkaAlerts } from '@cvf/messaging';
import { appConfigFrom, createHttpApp, DatabaseModule, loadConfigOrExit } from '@cvf/platform';
import { IngestHealthController } from './health/health.controller';
import { IngestModule } from './ingest.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit(appConfigFrom);
  // Distributed mode: a rejected webhook delivery is announced on Kafka's alerts topic, where
  // operations' dashboards and the gateway's breach stream read breach alerts.
  const kafka =
    config.mode === 'distributed'
      ? kafkaAlerts({
          brokers: config.kafkaBrokers,
          clientId: `${config.kafkaClientId}-ingest`,
          topicPrefix: config.kafkaTopicPrefix,
        })
      : null;
  const alerts: Provider[] = kafka ? [{ provide: ALERT_PUBLISHER, ...kafka.alertPublisher }] : [];
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

main().catch((error: unknown) => {
  process.stderr.write(`ingest failed to start: ${String(error)}\n`);
  process.exit(1);
});
