import { Module } from '@nestjs/common';
import { createHttpApp, DatabaseModule, loadConfigOrExit } from '@cvf/platform';
import { IngestModule } from './ingest.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  @Module({ imports: [DatabaseModule.forRoot(config), IngestModule] })
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

void main();
