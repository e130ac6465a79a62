import { Module } from '@nestjs/common';
import { CommandsModule } from '../commands/commands.module';
import { PAYMENT_PROCESSORS } from './payment-processor';
import { StripeProcessor } from './stripe/stripe-processor';
import { WebhookController } from './webhook.controller';
import { WebhookDeliveriesController } from './webhook-deliveries.controller';
import { WebhookIntake } from './webhook-intake.service';
import { WebhookSecretsController } from './webhook-secrets.controller';
import { PaymentRefs, WebhookDeliveries, WebhookSecrets } from './webhook-tables';

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
    WebhookIntake,
    WebhookSecrets,
    WebhookDeliveries,
    PaymentRefs,
  ],
})
export class WebhooksModule {}
