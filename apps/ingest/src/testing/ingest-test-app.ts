import { Module } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp, DatabaseModule, loadConfig } from '@cvf/platform';
import {
  assertContractKept,
  checkContract,
  sendAsAdminByDefault,
  TEST_CREDENTIAL_ENV,
} from '@cvf/platform/testing';
import { assertTestDatabase, createTestDatabase, type TestDatabase } from '@cvf/test-support';
import { IngestModule } from '../ingest.module';

export interface IngestTestApp {
  readonly app: NestFastifyApplication;
  readonly database: TestDatabase;
  close(): Promise<void>;
}

/**
 * The ingest service on its own fresh database, served in-process: tests send real HTTP
 * requests through Fastify's `inject` (same routing, parsing, validation and filters as on
 * the network) against real PostgreSQL.
 */
export async function startIngestTestApp(
  label: string,
  env: Record<string, string> = {},
  /** false: requests without an Authorization header stay anonymous (access specs). */
  { asAdminByDefault = true }: { asAdminByDefault?: boolean } = {},
): Promise<IngestTestApp> {
  const database = await createTestDatabase(label);
  assertTestDatabase(database.url);
  const config = loadConfig({
    DATABASE_URL: database.url,
    LOG_LEVEL: 'silent',
    ...TEST_CREDENTIAL_ENV,
    ...env,
  });
  @Module({ imports: [DatabaseModule.forRoot(config, { poolSize: 4 }), IngestModule] })
  class IngestTestModule {}
  const app = await createHttpApp(IngestTestModule, config, { title: 'test', description: 'test' });
  if (asAdminByDefault) sendAsAdminByDefault(app);
  checkContract(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    database,
    close: async () => {
      await app.close();
      await database.drop();
      assertContractKept(app);
    },
  };
}
