import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { appConfigFrom, createHttpApp, DatabaseModule, loadConfigOrExit } from '@cvf/platform';
import { IngestHealthController } from './health/health.controller';
import { IngestModule } from './ingest.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit(appConfigFrom);
  @Module({
    imports: [
      DatabaseModule.forRoot(config),
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
