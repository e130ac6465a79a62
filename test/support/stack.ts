import { Module } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { CACHE_REDIS, CacheModule, type CacheOptions } from '@cvf/cache';
import { uniqueCacheOptions } from '@cvf/cache/testing';
import { createHttpApp, DatabaseModule, loadConfig } from '@cvf/platform';
import {
  assertContractKept,
  checkContract,
  contractCheckedAt,
  sendAsAdminByDefault,
  TEST_CREDENTIAL_ENV,
} from '@cvf/platform/testing';
import { type Redis } from 'ioredis';
import { GatewayModule } from '@cvf/gateway';
import { IngestModule } from '@cvf/ingest';
import { ProjectorModule, ProjectorService } from '@cvf/projector';
import { WorkerModule } from '@cvf/worker';

/**
 * The whole system in ONE Nest app on one database and one Redis: ingest, projector (reading
 * the log directly), recompute worker and gateway: the all-in-one wiring, for the gateway's
 * integration tests and its benchmark (`@cvf/test-support/stack`, an entry of its own so
 * that specs needing only services do not load every app). No jest imports here, so the
 * built copy in dist/ serves the benchmark too.
 */
export interface Stack {
  readonly app: NestFastifyApplication;
  readonly cache: CacheOptions;
  /** The app's own command connection (to flush keys, read tags). */
  readonly redis: Redis;
  /** Listens on 127.0.0.1 on a free port; resolves to the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface StackOptions {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** Keeps parallel users apart: cache prefix, queue and alerts channel get it. */
  readonly label: string;
  readonly poolSize?: number;
  readonly workerConcurrency?: number;
  /**
   * true (the default): a request without an Authorization header is sent as the test admin
   * (specs about something else). false: every request must bring its own credential.
   */
  readonly asAdminByDefault?: boolean;
  /** Runs before the app is initialised (to add Fastify hooks such as onRoute). */
  readonly beforeInit?: (app: NestFastifyApplication) => void;
  /** More variables for the stack's configuration (RATE_LIMIT_PER_MINUTE, JWT_*). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * true (the default): every answer is checked against the OpenAPI document (a test fails on
   * one that breaks it). false for benchmarks: the check validates every body, which would be
   * what they measure.
   */
  readonly checkContract?: boolean;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const config = loadConfig({
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    LOG_LEVEL: 'silent',
    ...TEST_CREDENTIAL_ENV,
    ...options.env,
  });
  const cache = uniqueCacheOptions(options.label, {}, options.redisUrl);
  @Module({
    imports: [
      DatabaseModule.forRoot(config, { poolSize: options.poolSize ?? 10 }),
      CacheModule.forRoot(cache),
      IngestModule,
      ProjectorModule.register({ schema: cache.readModelSchema }),
      WorkerModule.forRoot({
        concurrency: options.workerConcurrency ?? 2,
        shutdownTimeoutMs: 5_000,
        lockDurationMs: 30_000,
        stalledIntervalMs: 30_000,
      }),
      GatewayModule,
    ],
  })
  class StackModule {}

  const app = await createHttpApp(StackModule, config, { title: 'stack', description: 'stack' });
  if (options.asAdminByDefault ?? true) sendAsAdminByDefault(app);
  if (options.checkContract ?? true) checkContract(app);
  options.beforeInit?.(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  // Ready means following the log: a read-your-writes wait then measures the pipeline, not
  // the start-up, and a stack closed right away has a subscription to stop.
  const projector = app.get(ProjectorService);
  const deadline = Date.now() + 10_000;
  while (!projector.isSubscribed()) {
    if (Date.now() > deadline) throw new Error('the projector did not subscribe within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return {
    app,
    cache,
    redis: app.get<Redis>(CACHE_REDIS),
    listen: async () => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.getHttpServer().address();
      if (address === null || typeof address === 'string') throw new Error('not listening');
      const base = `http://127.0.0.1:${address.port}`;
      contractCheckedAt(app, base);
      return base;
    },
    close: async () => {
      await app.close();
      assertContractKept(app);
    },
  };
}
