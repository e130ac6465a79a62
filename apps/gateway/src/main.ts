import { Module } from '@nestjs/common';
import { CacheModule, cacheOptionsFromEnv } from '@cvf/cache';
import { MessagingModule } from '@cvf/messaging';
import { appConfigFrom, createHttpApp, DatabaseModule, loadConfigOrExit } from '@cvf/platform';
import { GatewayModule } from './gateway.module';

async function main(): Promise<void> {
  const { config, cache } = loadConfigOrExit((environment) => ({
    config: appConfigFrom(environment),
    cache: cacheOptionsFromEnv(environment),
  }));
  const distributed = config.mode === 'distributed';
  const kafka = {
    brokers: config.kafkaBrokers,
    clientId: `${config.kafkaClientId}-gateway`,
    topicPrefix: config.kafkaTopicPrefix,
  };
  @Module({
    imports: [
      DatabaseModule.forRoot(config),
      CacheModule.forRoot(cache),
      // Distributed mode: breach alerts for the SSE stream come from Kafka cvf.alerts.v1.
      ...(distributed
        ? [MessagingModule.forRoot(kafka), GatewayModule.withKafkaAlerts()]
        : [GatewayModule]),
    ],
  })
  class GatewayAppModule {}

  // createHttpApp enables shutdown hooks: on SIGTERM open SSE streams end, then the pool and
  // Redis connections close.
  const app = await createHttpApp(GatewayAppModule, config, {
    title: 'CVF gateway',
    description:
      'Read API: cashflows, metrics, owed, breaches (and their live stream), terms, payments and ' +
      'the audit trail. Every answer carries X-Log-Position; ?min_position= waits for a ' +
      "write's position, and without it a read that finds nothing waits for the log's head " +
      'before its 404 (what you have just written is found).',
  });
  await app.listen({ port: config.port, host: config.host });
  process.stdout.write(
    `gateway listening on http://${config.host}:${config.port} (OpenAPI at /docs)\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway failed to start: ${String(error)}\n`);
  process.exit(1);
});
