import { Module } from '@nestjs/common';
import { CommandsModule } from '../commands/commands.module';
import { StripeWebhookController } from './stripe-webhook.controller';
import { StripeWebhooks } from './stripe-webhooks.service';
import { WebhookSecretsController } from './webhook-secrets.controller';
import { WebhookDeliveries, WebhookSecrets } from './webhook-tables';

/** Signed payment-processor webhooks and the signing secrets they are verified with. */
@Module({
  imports: [CommandsModule],
  controllers: [StripeWebhookController, WebhookSecretsController],
  providers: [StripeWebhooks, WebhookSecrets, WebhookDeliveries],
})
export class WebhooksModule {}
