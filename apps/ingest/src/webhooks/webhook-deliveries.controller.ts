import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ValidationError } from '@cvf/domain';
import { Allow, FUND_ROLES, ApiOperationIds } from '@cvf/platform';
import { WebhookReceiptDto } from './webhook.controller';
import { WebhookIntake, type WebhookReceipt } from './webhook-intake.service';
import {
  DELIVERY_OUTCOMES,
  type DeliveryOutcome,
  type DeliveryRecord,
  WebhookDeliveries,
} from './webhook-tables';

export class WebhookDeliveryDto implements DeliveryRecord {
  @ApiProperty({ example: 'stripe' }) provider!: string;
  @ApiProperty({ example: 'evt_1NG8Du2eZvKYlo2CUI79vXWy' }) event_id!: string;
  @ApiProperty({ example: 'charge.refunded' }) event_type!: string;
  @ApiProperty() received_at!: string;
  @ApiProperty() last_received_at!: string;
  @ApiProperty({ description: 'how many times the processor delivered it' }) deliveries!: number;
  @ApiProperty({
    enum: DELIVERY_OUTCOMES,
    description: 'deferred: answered 409 (a refund before its charge), handled on the retry',
  })
  outcome!: DeliveryOutcome;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ nullable: true, type: String }) payment_id!: string | null;
  @ApiProperty({ nullable: true, type: String }) handled_at!: string | null;
}

export class WebhookDeliveryPageDto {
  @ApiProperty({ type: [WebhookDeliveryDto] }) data!: WebhookDeliveryDto[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

const MAX_LIMIT = 500;

/** What came of each signed webhook delivery of a company, and replaying one. */
@ApiTags('webhooks')
@ApiOperationIds({ list: 'listWebhookDeliveries', replay: 'replayWebhookDelivery' })
@Controller('companies/:companyId/webhook-deliveries')
export class WebhookDeliveriesController {
  constructor(
    private readonly deliveries: WebhookDeliveries,
    private readonly intake: WebhookIntake,
  ) {}

  @Get()
  @Allow('company', ...FUND_ROLES)
  @ApiOperation({ summary: 'The company’s webhook deliveries, newest first, with their outcome' })
  @ApiQuery({ name: 'outcome', required: false, enum: DELIVERY_OUTCOMES })
  @ApiQuery({ name: 'provider', required: false, example: 'stripe' })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 50 },
  })
  @ApiQuery({ name: 'cursor', required: false, description: 'next_cursor of the previous page' })
  @ApiResponse({ status: 200, type: WebhookDeliveryPageDto })
  async list(
    @Param('companyId') companyId: string,
    @Query('outcome') outcome: unknown,
    @Query('provider') provider: unknown,
    @Query('limit') limit: unknown,
    @Query('cursor') cursor: unknown,
  ): Promise<WebhookDeliveryPageDto> {
    const size = parseLimit(limit);
    const rows = await this.deliveries.list(
      companyId,
      { outcome: parseOutcome(outcome), provider: parseProvider(provider) },
      { after: parseCursor(cursor), limit: size },
    );
    const page = rows.slice(0, size);
    const last = page.at(-1);
    return {
      data: page,
      next_cursor:
        rows.length > size && last
          ? Buffer.from(JSON.stringify({ r: last.received_at, e: last.event_id })).toString(
              'base64url',
            )
          : null,
    };
  }

  @Post(':eventId/replay')
  @HttpCode(200)
  @Allow('company', 'operations')
  @ApiOperation({
    summary: 'Handle a logged delivery again from its stored body',
    description:
      'After a fix or a change the delivery was rejected for: its signature was verified ' +
      'when it arrived. What it records is idempotent: replaying a recorded delivery records ' +
      'nothing new.',
  })
  @ApiQuery({ name: 'provider', required: false, example: 'stripe' })
  @ApiResponse({ status: 200, type: WebhookReceiptDto })
  @ApiResponse({ status: 404, description: 'no such delivery' })
  @ApiResponse({ status: 409, description: 'it still needs its charge (deferred)' })
  replay(
    @Param('companyId') companyId: string,
    @Param('eventId') eventId: string,
    @Query('provider') provider: unknown,
  ): Promise<WebhookReceipt> {
    return this.intake.replay(parseProvider(provider) ?? 'stripe', companyId, eventId);
  }
}

function parseLimit(raw: unknown): number {
  if (raw === undefined) return 50;
  const value = typeof raw === 'string' && /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= MAX_LIMIT)) {
    throw ValidationError.of('limit', `must be a whole number from 1 to ${MAX_LIMIT}`);
  }
  return value;
}

function parseOutcome(raw: unknown): DeliveryOutcome | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string' && (DELIVERY_OUTCOMES as readonly string[]).includes(raw)) {
    return raw as DeliveryOutcome;
  }
  throw ValidationError.of('outcome', `must be one of ${DELIVERY_OUTCOMES.join(', ')}`);
}

function parseProvider(raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string' && /^[a-z][a-z0-9_-]{0,30}$/.test(raw)) return raw;
  throw ValidationError.of('provider', 'must be a processor name such as stripe');
}

function parseCursor(raw: unknown): { receivedAt: string; eventId: string } | null {
  if (raw === undefined) return null;
  if (typeof raw !== 'string') throw ValidationError.of('cursor', 'must be given once');
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as {
      r?: unknown;
      e?: unknown;
    };
    if (
      typeof parsed.r === 'string' &&
      !Number.isNaN(Date.parse(parsed.r)) &&
      typeof parsed.e === 'string'
    ) {
      return { receivedAt: parsed.r, eventId: parsed.e };
    }
  } catch {
    // answered below
  }
  throw ValidationError.of('cursor', 'must be the next_cursor of a previous page');
}
