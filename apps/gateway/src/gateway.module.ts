import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { BreachStreamController } from './alerts/breach-stream.controller';
import { ALERT_SOURCE } from './alerts/alert-source.port';
import { KafkaAlertSource } from './alerts/kafka-alert-source';
import { RedisAlertSource } from './alerts/redis-alert-source';
import { EventsController } from './audit/events.controller';
import { CashflowsController } from './cashflows/cashflows.controller';
import { PredictedCashflowsController } from './cashflows/predicted-cashflows.controller';
import { CompaniesReadController } from './companies/companies.controller';
import { PaymentsReadController } from './companies/payments.controller';
import { TermsListsController } from './companies/terms-lists.controller';
import { CachedResults } from './freshness/cached-results';
import { ReadModelGate } from './freshness/read-model-gate';
import { GatewayHealthController } from './health/health.controller';
import { McpController } from './mcp/mcp.controller';

/**
 * The read API (ARCHITECTURE.md "Read side"), for any process that already imports
 * `DatabaseModule` (PG_POOL for the read models, EVENT_STORE for the audit trail) and
 * `CacheModule` (the cache's reader, the recomputer), both global: the
 * standalone gateway (main.ts) or the all-in-one process. Alerts come through ALERT_SOURCE:
 * Redis pub/sub here; bind a Kafka consumer to the token to replace it.
 */
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [
    CompaniesReadController,
    TermsListsController,
    PaymentsReadController,
    CashflowsController,
    PredictedCashflowsController,
    BreachStreamController,
    EventsController,
    GatewayHealthController,
    McpController,
  ],
  providers: [
    ReadModelGate,
    CachedResults,
    RedisAlertSource,
    { provide: ALERT_SOURCE, useExisting: RedisAlertSource },
  ],
  exports: [ReadModelGate, CachedResults, ALERT_SOURCE],
})
export class GatewayModule {
  /**
   * Distributed mode: the SSE stream reads Kafka `cvf.alerts.v1` (needs MessagingModule).
   * Providers of a dynamic module are registered after the decorator's, so this binding of
   * ALERT_SOURCE replaces the Redis one.
   */
  static withKafkaAlerts(): DynamicModule {
    return {
      module: GatewayModule,
      providers: [KafkaAlertSource, { provide: ALERT_SOURCE, useExisting: KafkaAlertSource }],
    };
  }
}
