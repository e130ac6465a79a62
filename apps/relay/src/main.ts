import { Module } from '@nestjs/common';
import { appConfigFrom, createHttpApp, loadConfigOrExit } from '@cvf/platform';
import { RelayAppModule } from './relay.module';

/** Distributed mode: publishes the event log to Kafka `cvf.events.v1` (one leader at a time). */
async function main(): Promise<void> {
  const config = loadConfigOrExit(appConfigFrom, { CVF_MODE: 'distributed', ...process.env });
  @Module({ imports: [RelayAppModule.forRoot(config)] })
  class RelayRootModule {}
  const app = await createHttpApp(RelayRootModule, config, {
    title: 'CVF relay',
    description: 'Publishes the event log to Kafka; health endpoints only.',
  });
  await app.listen({ port: config.port, host: config.host });
  process.stdout.write(`relay: health on http://${config.host}:${config.port}/health/ready\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`relay failed to start: ${String(error)}\n`);
  process.exit(1);
});
