import { Module } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createHttpApp, ensureDatabase, loadConfigOrExit } from '@cvf/platform';
import { renderTables } from '@cvf/cli';
import { workerConfigFrom } from '@cvf/worker';
import { ALL_IN_ONE_API, AllInOneModule } from './all-in-one.module';
import { cashflowsAt, createDemoKeys, DEMO_COMPANY, loadDemoPortfolio } from './demo-portfolio';

/**
 * `npm start`: the whole system in one process on PostgreSQL and Redis, then (unless
 * CVF_DEMO=off) the demo portfolio loaded through the real ingest path and its numbers shown.
 */
async function main(): Promise<void> {
  // A person watches this one start: startup chatter would bury the demo's tables.
  const { config: configured, demo } = loadConfigOrExit(
    (environment) => ({
      config: workerConfigFrom(environment),
      demo: environment.CVF_DEMO === 'on',
    }),
    { LOG_LEVEL: 'warn', ...process.env },
  );
  // Embedded mode may start without CVF_ADMIN_KEY (configuration refuses that in distributed
  // mode and production): this process then makes one up, good until it stops.
  const generatedAdminKey =
    configured.app.auth.adminKey === null
      ? `cvf_admin_${randomBytes(24).toString('base64url')}`
      : null;
  const config =
    generatedAdminKey === null
      ? configured
      : {
          ...configured,
          app: { ...configured.app, auth: { ...configured.app.auth, adminKey: generatedAdminKey } },
        };
  const adminKey = generatedAdminKey ?? configured.app.auth.adminKey ?? '';
  if (await ensureDatabase(config.app.databaseUrl)) {
    process.stdout.write(`created database ${new URL(config.app.databaseUrl).pathname.slice(1)}\n`);
  }
  @Module({ imports: [AllInOneModule.forRoot(config)] })
  class AllInOneRootModule {}

  const app = await createHttpApp(AllInOneRootModule, config.app, {
    ...ALL_IN_ONE_API,
    bodyLimitBytes: 1024 * 1024,
  });
  await app.listen({ port: config.app.port, host: config.app.host });
  const base = `http://${config.app.host}:${config.app.port}`;
  process.stdout.write(`CVF all-in-one listening on ${base} (OpenAPI: ${base}/docs)\n`);
  if (generatedAdminKey !== null) {
    process.stdout.write(
      `CVF_ADMIN_KEY was unset: this run's admin key is ${generatedAdminKey}\n` +
        '  (set CVF_ADMIN_KEY, 32+ characters, to keep one across restarts)\n',
    );
  }

  if (!demo) return;
  const position = await loadDemoPortfolio(
    base,
    join(__dirname, '../../../../samples/demo'),
    adminKey,
  );
  process.stdout.write(
    position === null
      ? `demo company '${DEMO_COMPANY}' already loaded\n`
      : `loaded the demo portfolio (samples/demo) through the ingest API; log position ${position}\n`,
  );
  const document = await cashflowsAt(base, position, adminKey);
  process.stdout.write(`\n${renderTables(document)}\n`);
  const keys = await createDemoKeys(base, adminKey);
  const as = (key: string) => `-H 'Authorization: Bearer ${key}'`;
  process.stdout.write(
    [
      'Demo API keys (one per role; revoked and made anew at each start):',
      `  company '${DEMO_COMPANY}'  ${keys.company}`,
      `  underwriting   ${keys.underwriting}`,
      `  operations     ${keys.operations}`,
      `  admin          ${adminKey}`,
      '',
      'Where to look:',
      `  curl ${as(keys.company)} ${base}/companies/${DEMO_COMPANY}/cashflows   # the JSON document above`,
      `  curl ${as(keys.company)} ${base}/companies/${DEMO_COMPANY}/metrics     # owed this month, MOIC, breaches`,
      `  curl ${as(keys.underwriting)} '${base}/companies/${DEMO_COMPANY}/cashflows/predicted?scenario=BEST'`,
      `  curl -N ${as(keys.operations)} ${base}/companies/${DEMO_COMPANY}/breaches/stream   # live breach alerts (SSE)`,
      `  curl ${as(keys.company)} '${base}/companies/${DEMO_COMPANY}/cashflows/predicted?scenario=BEST'   # 403: not for a company`,
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
