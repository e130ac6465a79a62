import { Module } from '@nestjs/common';
import { join } from 'node:path';
import { createHttpApp, ensureDatabase, loadConfigOrExit } from '@cvf/platform';
import { renderTables } from '@cvf/cli';
import { workerConfigFrom } from '@cvf/worker';
import { AllInOneModule } from './all-in-one.module';
import { cashflowsAt, DEMO_COMPANY, loadDemoPortfolio } from './demo-portfolio';

/**
 * `npm start`: the whole system in one process on PostgreSQL and Redis, then (unless
 * CVF_DEMO=off) the demo portfolio loaded through the real ingest path and its numbers shown.
 */
async function main(): Promise<void> {
  // A person watches this one start: startup chatter would bury the demo's tables.
  const { config, demo } = loadConfigOrExit(
    (environment) => ({
      config: workerConfigFrom(environment),
      demo: environment.CVF_DEMO === 'on',
    }),
    { LOG_LEVEL: 'warn', ...process.env },
  );
  if (await ensureDatabase(config.app.databaseUrl)) {
    process.stdout.write(`created database ${new URL(config.app.databaseUrl).pathname.slice(1)}\n`);
  }
  @Module({ imports: [AllInOneModule.forRoot(config)] })
  class AllInOneRootModule {}

  const app = await createHttpApp(AllInOneRootModule, config.app, {
    title: 'CVF portfolio backend (all-in-one)',
    description:
      'Write API (commands, CSV uploads, webhooks) and read API (cashflows, metrics, breaches).',
    bodyLimitBytes: 1024 * 1024,
  });
  await app.listen({ port: config.app.port, host: config.app.host });
  const base = `http://${config.app.host}:${config.app.port}`;
  process.stdout.write(`CVF all-in-one listening on ${base} (OpenAPI: ${base}/docs)\n`);

  if (!demo) return;
  const position = await loadDemoPortfolio(base, join(__dirname, '../../../../samples/demo'));
  process.stdout.write(
    position === null
      ? `demo company '${DEMO_COMPANY}' already loaded\n`
      : `loaded the demo portfolio (samples/demo) through the ingest API; log position ${position}\n`,
  );
  const document = await cashflowsAt(base, position);
  process.stdout.write(`\n${renderTables(document)}\n`);
  process.stdout.write(
    [
      'Where to look:',
      `  curl ${base}/companies/${DEMO_COMPANY}/cashflows            # the JSON document above`,
      `  curl ${base}/companies/${DEMO_COMPANY}/metrics              # owed this month, MOIC, breaches`,
      `  curl '${base}/companies/${DEMO_COMPANY}/cashflows/predicted?scenario=BEST'`,
      `  curl ${base}/companies/${DEMO_COMPANY}/breaches/stream      # live threshold-breach alerts (SSE)`,
      `  ${base}/docs                                            # every endpoint`,
      'Ctrl-C stops it (graceful: intake stops, the worker drains, connections close).',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `all-in-one failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
