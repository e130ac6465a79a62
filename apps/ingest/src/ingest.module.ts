import { forwardRef, Inject, Module, type OnModuleInit } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { runMigrations } from '@cvf/event-store';
import { PG_POOL } from '@cvf/platform';
import { Pool } from 'pg';
import { StreamWriter } from './commands/stream-writer';
import { CompaniesController } from './companies/companies.controller';
import { CompanyCommands } from './companies/company-commands.service';
import { TermsController } from './companies/terms.controller';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { IdempotencyStore } from './idempotency/idempotency.store';
import { IdempotentRequests } from './idempotency/idempotent-requests';
import { INGEST_MIGRATIONS } from './ingest.migrations';
import { PaymentCommands } from './payments/payment-commands.service';
import { PaymentsController } from './payments/payments.controller';
import { UploadsModule } from './uploads/uploads.module';
import { WebhooksModule } from './webhooks/webhooks.module';

class IngestMigrations implements OnModuleInit {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}
  async onModuleInit(): Promise<void> {
    await runMigrations(this.pool, INGEST_MIGRATIONS);
  }
}

/**
 * The write side: commands, CSV uploads and signed webhooks become events. Needs the
 * DatabaseModule (pool, event store, config) from the process that hosts it.
 */
@Module({
  // Both sides name the other lazily: the feature modules use the commands exported here.
  imports: [CqrsModule, forwardRef(() => UploadsModule), forwardRef(() => WebhooksModule)],
  controllers: [CompaniesController, TermsController, PaymentsController],
  providers: [
    IngestMigrations,
    StreamWriter,
    CompanyCommands,
    PaymentCommands,
    IdempotencyStore,
    IdempotentRequests,
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
  exports: [StreamWriter, CompanyCommands, PaymentCommands, IdempotentRequests],
})
export class IngestModule {}
