import { Module } from '@nestjs/common';
import { ALERT_PUBLISHER, type AlertPublisher } from '@cvf/cache';
import { DELIVERY_ALERTS, PublishedDeliveryAlerts } from './delivery-alerts';
import { CommandsModule } from '../commands/commands.module';
import { PAYMENT_PROCESSORS } from './payment-processor';
import { StripeProcessor } from './stripe/stripe-processor';
import { WebhookController } from './webhook.controller';
import { WebhookDeliveriesController } from './webhook-deliveries.controller';
import { WebhookIntake } from './webhook-intake.service';
import { WebhookSecretsController } from './webhook-secrets.controller';
import { PaymentIdEpoch, WebhookDeliveries, WebhookSecrets } from './webhook-tables';

/**
 * Signed payment-processor webhooks (each processor a PaymentProcessor), the signing secrets
 * they are verified with, and the delivery log.
 */
@Module({
  imports: [CommandsModule],
  controllers: [WebhookController, WebhookSecretsController, WebhookDeliveriesController],
  providers: [
    StripeProcessor,
    {
      provide: PAYMENT_PROCESSORS,
      inject: [StripeProcessor],
      useFactory: (stripe: StripeProcessor) => [stripe],
    },
    {
      // The process's alert publisher when it has one (all-in-one: Redis pub/sub; distributed
      // ingest: Kafka, see main.ts); without one a rejection is logged and kept only.
      provide: DELIVERY_ALERTS,
      inject: [{ token: ALERT_PUBLISHER, optional: true }],
      useFactory: (publisher?: AlertPublisher) =>
        publisher ? new PublishedDeliveryAlerts(publisher) : null,
    },
    WebhookIntake,
    WebhookSecrets,
    WebhookDeliveries,
    PaymentIdEpoch,
  ],
})
export class WebhooksModule {}
