import { Module } from '@nestjs/common';
import { createHttpApp, loadConfigOrExit } from '@cvf/platform';
import { workerConfigFrom } from './worker.config';
import { WorkerAppModule } from './worker.module';

// Closing connections after the worker drained takes milliseconds; past this margin
// something is stuck (the PostgreSQL pool waits for a query a dropped job still runs).
const SHUTDOWN_BACKSTOP_MARGIN_MS = 2_000;

async function main(): Promise<void> {
  const config = loadConfigOrExit(workerConfigFrom);
  @Module({ imports: [WorkerAppModule.forRoot(config)] })
  class WorkerRootModule {}

  // HTTP only for /health/live and /health/ready; the work arrives through BullMQ.
  const app = await createHttpApp(WorkerRootModule, config.app, {
    title: 'CVF worker',
    description: 'Recomputes dirty cohorts into the Redis cache; health endpoints only.',
  });
  await app.listen({ port: config.app.port, host: config.app.host });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    // Nest's shutdown hooks drain the worker (bounded, see RecomputeWorker); this backstop
    // bounds the rest, so an orchestrator never has to escalate to SIGKILL.
    process.once(signal, () => {
      setTimeout(() => {
        process.stderr.write(`worker: shutdown overran; exiting\n`);
        process.exit(1);
      }, config.worker.shutdownTimeoutMs + SHUTDOWN_BACKSTOP_MARGIN_MS).unref();
    });
  }
  process.stdout.write(
    `worker on queue ${config.cache.queueName} (concurrency ${config.worker.concurrency}), ` +
      `health on http://${config.app.host}:${config.app.port}/health/ready\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed to start: ${String(error)}\n`);
  process.exit(1);
});
