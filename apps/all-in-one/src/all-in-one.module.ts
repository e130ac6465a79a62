import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CacheModule } from '@cvf/cache';
import { DatabaseModule } from '@cvf/platform';
import { GatewayModule } from '@cvf/gateway';
import { IngestModule } from '@cvf/ingest';
import { ProjectorModule } from '@cvf/projector';
import { type WorkerConfig, WorkerModule } from '@cvf/worker';

/** What the all-in-one process's OpenAPI document is called (the typed client's source). */
export const ALL_IN_ONE_API = {
  title: 'CVF portfolio backend (all-in-one)',
  description:
    'Write API (commands, CSV uploads, webhooks) and read API (cashflows, metrics, breaches).',
} as const;

/** The worker's configuration is the superset: platform, cache and worker variables. */
export type AllInOneConfig = WorkerConfig;

/**
 * The embedded default: ingest and gateway routes on one port, the projector reading the
 * log directly and the recompute worker in the same process. Needs PostgreSQL and Redis only.
 */
@Module({})
export class AllInOneModule {
  static forRoot(config: AllInOneConfig): DynamicModule {
    return {
      module: AllInOneModule,
      imports: [
        DatabaseModule.forRoot(config.app, { poolSize: 12 }),
        CacheModule.forRoot(config.cache),
        IngestModule,
        ProjectorModule.register({ schema: config.cache.readModelSchema }),
        WorkerModule.forRoot(config.worker),
        GatewayModule,
        TerminusModule.forRoot({ logger: false }),
      ],
    };
  }
}
