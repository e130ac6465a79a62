import { Body, Controller, Delete, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import {
  currencyExponent,
  dateOfPaymentInput,
  type PaymentCommand,
  ValidationError,
} from '@cvf/domain';
import { type CompanyLocale, CompanyStreams } from '../commands/company-streams';
import { type WriteResult } from '../commands/stream-writer';
import { WriteResultDto } from '../companies/company.dto';
import { paymentWrite, Write, type WriteRequest } from '../http/write-context';
import { derivedPaymentId } from './derived-payment-id';
import {
  PaymentFactsDto,
  RecordedPaymentDto,
  RecordedRefundDto,
  RecordPaymentDto,
  RefundDto,
} from './payment.dto';
import { Allow, ApiOperationIds } from '@cvf/platform';

@ApiTags('payments')
@ApiResponse({ status: '2XX', type: WriteResultDto })
@ApiOperationIds({
  record: 'recordPayment',
  correct: 'correctPayment',
  void: 'voidPayment',
  refund: 'refundPayment',
})
@Controller('companies/:companyId/payments')
export class PaymentsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly companies: CompanyStreams,
  ) {}

  /**
   * The company's currency and zone (404 for no company): the payment is recorded in its
   * currency, which a payment that names one must name, and a timestamp sent as its date is
   * the date in its zone.
   */
  private async companyLocale(companyId: string, named?: string): Promise<CompanyLocale> {
    const locale = await this.companies.locale(companyId);
    if (named !== undefined && named !== locale.currency) {
      throw ValidationError.of(
        'currency',
        `is ${named}; the company's amounts are in ${locale.currency}`,
      );
    }
    return locale;
  }

  private run(companyId: string, command: PaymentCommand, write: WriteRequest) {
    return this.commands.execute(paymentWrite(companyId, command, write));
  }

  @Post()
  @Allow('company')
  @HttpCode(201)
  @ApiResponse({ status: 201, type: RecordedPaymentDto })
  @ApiOperation({
    summary: 'Record a payment (a repeated delivery records nothing new: events_appended 0)',
  })
  async record(
    @Param('companyId') companyId: string,
    @Body() body: RecordPaymentDto,
    @Write() write: WriteRequest,
  ): Promise<WriteResult & { payment_id: string }> {
    const { currency: named, ...sent } = body;
    const { currency, timezone } = await this.companyLocale(companyId, named);
    const facts = { ...sent, payment_date: dateOfPaymentInput(sent.payment_date, timezone) };
    const paymentId = facts.payment_id ?? derivedPaymentId(facts, currencyExponent(currency));
    const result = await this.run(
      companyId,
      {
        type: 'RecordPayment',
        data: { ...facts, payment_id: paymentId, currency, source: 'api' },
      },
      write,
    );
    return { payment_id: paymentId, ...result };
  }

  @Put(':paymentId')
  @Allow('company')
  @ApiOperation({
    summary: 'Correct a payment: replaces customer, date and amount (If-Match: stream version)',
  })
  async correct(
    @Param('companyId') companyId: string,
    @Param('paymentId') paymentId: string,
    @Body() body: PaymentFactsDto,
    @Write() write: WriteRequest,
  ): Promise<WriteResult> {
    const { timezone } = await this.companyLocale(companyId);
    const payment_date = dateOfPaymentInput(body.payment_date, timezone);
    return this.run(
      companyId,
      { type: 'CorrectPayment', data: { ...body, payment_date, payment_id: paymentId } },
      write,
    );
  }

  @Delete(':paymentId')
  @Allow('company')
  @ApiQuery({ name: 'reason', required: false })
  @ApiOperation({
    summary: 'Void a payment: it no longer counts anywhere (the event stays in the audit trail)',
  })
  void(
    @Param('companyId') companyId: string,
    @Param('paymentId') paymentId: string,
    @Query('reason') reason: string | undefined,
    @Write() write: WriteRequest,
  ): Promise<WriteResult> {
    return this.run(
      companyId,
      {
        type: 'VoidPayment',
        data: { payment_id: paymentId, reason: reason ?? 'voided through the API' },
      },
      write,
    );
  }

  @Post(':paymentId/refunds')
  @Allow('company')
  @HttpCode(201)
  @ApiResponse({ status: 201, type: RecordedRefundDto })
  @ApiOperation({ summary: 'Refund part or all of a payment (422 beyond what remains)' })
  async refund(
    @Param('companyId') companyId: string,
    @Param('paymentId') paymentId: string,
    @Body() body: RefundDto,
    @Write() write: WriteRequest,
  ): Promise<WriteResult & { refund_id: string }> {
    const refundId = body.refund_id ?? randomUUID();
    const result = await this.run(
      companyId,
      {
        type: 'RefundPayment',
        data: { payment_id: paymentId, refund_id: refundId, amount: body.amount },
      },
      write,
    );
    return { refund_id: refundId, ...result };
  }
}
