import { Module } from '@nestjs/common';
import { cacheOptionsFromEnv } from '@cvf/cache';
import { appConfigFrom, createHttpApp, loadConfigOrExit } from '@cvf/platform';
import { ProjectorAppModule } from './projector.module';

async function main(): Promise<void> {
  const { app, cache } = loadConfigOrExit((environment) => ({
    app: appConfigFrom(environment),
    cache: cacheOptionsFromEnv(environment),
  }));
  @Module({ imports: [ProjectorAppModule.forRoot({ app, cache })] })
  class ProjectorRootModule {}

  // HTTP only for /health/live and /health/ready; the work arrives through the log.
  // createHttpApp enables shutdown hooks: SIGTERM stops the subscription after the batch in
  // flight, then the pool and Redis connections close.
  const server = await createHttpApp(ProjectorRootModule, app, {
    title: 'CVF projector',
    description: 'Projects the event log into the PostgreSQL read models; health endpoints only.',
  });
  await server.listen({ port: app.port, host: app.host });
  process.stdout.write(`projector: health on http://${app.host}:${app.port}/health/ready\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`projector failed to start: ${String(error)}\n`);
  process.exit(1);
});
