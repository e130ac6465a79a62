import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { runMigrations } from '@cvf/event-store';
import { PG_POOL } from '@cvf/platform';
import { Pool } from 'pg';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { CommandsModule } from './commands/commands.module';
import { CompanyNames } from './commands/company-names';
import { CompaniesController } from './companies/companies.controller';
import { TermsController } from './companies/terms.controller';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { INGEST_MIGRATIONS } from './ingest.migrations';
import { PaymentsController } from './payments/payments.controller';
import { UploadsModule } from './uploads/uploads.module';
import { WebhooksModule } from './webhooks/webhooks.module';

class IngestMigrations implements OnModuleInit {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CompanyNames) private readonly names: CompanyNames,
  ) {}
  async onModuleInit(): Promise<void> {
    await runMigrations(this.pool, INGEST_MIGRATIONS);
    // Once per database: the names of companies registered before names were reserved.
    await this.names.reserveNamesInLog();
  }
}

/**
 * The write side: commands, CSV uploads and signed webhooks become events, each through the
 * CommandBus of the CommandsModule. Needs the DatabaseModule (pool, event store, config)
 * from the process that hosts it.
 */
@Module({
  imports: [CommandsModule, IdempotencyModule, UploadsModule, WebhooksModule],
  controllers: [ApiKeysController, CompaniesController, TermsController, PaymentsController],
  providers: [IngestMigrations],
})
export class IngestModule {}
