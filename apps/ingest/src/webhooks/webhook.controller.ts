import { Controller, HttpCode, Param, Post, Req, type RawBodyRequest } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public, ApiOperationIds } from '@cvf/platform';
import { DELIVERY_OUTCOMES, type DeliveryOutcome } from './webhook-tables';
import { WebhookIntake, type WebhookReceipt } from './webhook-intake.service';

export class WebhookReceiptDto implements WebhookReceipt {
  @ApiProperty({ enum: [true] }) received!: true;
  @ApiProperty({ example: 'evt_1NG8Du2eZvKYlo2CUI79vXWy' }) event_id!: string;
  @ApiProperty({ example: 'charge.succeeded' }) event_type!: string;
  @ApiProperty({ enum: DELIVERY_OUTCOMES }) outcome!: DeliveryOutcome;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'why it was ignored, rejected or a duplicate',
  })
  reason!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'ch_3MmlLrLkdIwHu7ix0snN0B15' })
  payment_id!: string | null;
  @ApiProperty() events_appended!: number;
  @ApiProperty({ nullable: true, type: String }) position!: string | null;
}

const STRIPE_EVENTS =
  'Stripe: charge.succeeded, charge.captured, payment_intent.succeeded, invoice.paid and ' +
  'invoice.payment_succeeded record one payment per charge (dated by the charge, in the ' +
  'company’s time zone); charge.refunded, refund.created, refund.updated, refund.failed and ' +
  'charge.refund.updated record refunds and put failed or canceled ones back; ' +
  'charge.dispute.funds_withdrawn and charge.dispute.funds_reinstated record chargebacks. ' +
  'Other types are acknowledged and ignored.';

@ApiTags('webhooks')
@Public('signed by the payment processor: the signature (per-company secret) is its credential')
@ApiOperationIds({ receive: 'receiveWebhook' })
@Controller('webhooks/:companyId')
export class WebhookController {
  constructor(private readonly intake: WebhookIntake) {}

  @Post(':provider')
  @HttpCode(200)
  @ApiParam({ name: 'provider', enum: ['stripe'] })
  @ApiOperation({
    summary: 'Receive a payment processor’s webhook event (signed with a company secret)',
    description:
      `${STRIPE_EVENTS} Every signed delivery is logged (GET /companies/{id}/webhook-deliveries). ` +
      'A delivery handled before answers 200 (duplicate) and records nothing. What cannot be ' +
      'recorded as it stands (another currency without a settlement in the company’s, a refund ' +
      'above the payment) answers 200 with outcome rejected and raises an operations alert; ' +
      'only a refund or chargeback before its charge answers 409, so the processor retries it.',
  })
  @ApiConsumes('application/json')
  @ApiHeader({ name: 'Stripe-Signature', required: true, description: 't=<unix>,v1=<hex>[,v1=…]' })
  @ApiBody({ schema: { type: 'object', description: 'the processor’s event object' } })
  @ApiResponse({ status: 200, type: WebhookReceiptDto })
  @ApiResponse({ status: 400, description: 'missing, stale or wrong signature; not an event' })
  @ApiResponse({ status: 404, description: 'unknown company or processor' })
  @ApiResponse({ status: 409, description: 'a refund or chargeback before its charge (retried)' })
  receive(
    @Param('companyId') companyId: string,
    @Param('provider') provider: string,
    @Req() request: RawBodyRequest<FastifyRequest>,
  ): Promise<WebhookReceipt> {
    const processor = this.intake.processor(provider);
    const header = request.headers[processor.signatureHeader];
    const signature = Array.isArray(header) ? header[0] : header;
    return this.intake.receive(provider, companyId, signature, request.rawBody);
  }
}
