import {
  Controller,
  Headers,
  HttpCode,
  Param,
  Post,
  Req,
  type RawBodyRequest,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import {
  StripeWebhooks,
  type WebhookOutcome,
  type WebhookReceipt,
} from './stripe-webhooks.service';
import { Public } from '@cvf/platform';

export class WebhookReceiptDto implements WebhookReceipt {
  @ApiProperty({ enum: [true] }) received!: true;
  @ApiProperty({ example: 'evt_1NG8Du2eZvKYlo2CUI79vXWy' }) event_id!: string;
  @ApiProperty({ example: 'charge.succeeded' }) event_type!: string;
  @ApiProperty({ enum: ['recorded', 'already_recorded', 'ignored', 'duplicate'] })
  outcome!: WebhookOutcome;
  @ApiPropertyOptional({ description: 'why an event was ignored, or how a replay was handled' })
  detail?: string;
  @ApiProperty() events_appended!: number;
  @ApiPropertyOptional({ nullable: true, type: String }) position!: string | null;
}

@ApiTags('webhooks')
@Public('signed by the payment processor: the signature (per-company secret) is its credential')
@Controller('webhooks/:companyId')
export class StripeWebhookController {
  constructor(private readonly webhooks: StripeWebhooks) {}

  @Post('stripe')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Receive a Stripe webhook event (signed with one of the company’s signing secrets)',
    description:
      'charge.succeeded, charge.captured and payment_intent.succeeded record a payment ' +
      '(payment_id = the charge id); refund.created and charge.refunded record refunds. Other ' +
      'types are acknowledged and ignored. A replayed event id answers 200 and records ' +
      'nothing. A refund whose charge is not recorded yet answers 409 so that Stripe retries ' +
      'it later. Amounts must be in a currency with 2 decimals (422 otherwise).',
  })
  @ApiConsumes('application/json')
  @ApiHeader({ name: 'Stripe-Signature', required: true, description: 't=<unix>,v1=<hex>[,v1=…]' })
  @ApiBody({ schema: { type: 'object', description: 'a Stripe event object' } })
  @ApiResponse({ status: 200, type: WebhookReceiptDto })
  @ApiResponse({ status: 400, description: 'missing, stale or wrong signature; malformed event' })
  @ApiResponse({ status: 404, description: 'unknown company' })
  @ApiResponse({
    status: 409,
    description: 'refund before its charge (retried), or conflicting facts',
  })
  @ApiResponse({
    status: 422,
    description: 'currency without 2 decimals, refund above the payment',
  })
  receive(
    @Param('companyId') companyId: string,
    @Headers('stripe-signature') signature: string | undefined,
    @Req() request: RawBodyRequest<FastifyRequest>,
  ): Promise<WebhookReceipt> {
    return this.webhooks.receive(companyId, signature, request.rawBody);
  }
}
