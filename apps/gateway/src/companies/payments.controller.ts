import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  currencyExponent,
  formatCents,
  formatMonth,
  NotFoundError,
  ValidationError,
} from '@cvf/domain';
import {
  companyCurrency,
  type CustomerListRow,
  listCustomers,
  listPayments,
  type PaymentFilter,
  type PaymentListRow,
  type Queryable,
} from '@cvf/read-model';
import type { FastifyReply } from 'fastify';
import { CompanyIdPipe } from '../http/company-id.pipe';
import { ReadModelGate } from '../freshness/read-model-gate';
import { LOG_POSITION_HEADER } from '../http/not-yet-consistent';
import { ApiPage, ApiRead } from '../http/openapi';
import { customerSchema, listSchema, paymentSchema, withCurrency } from '../http/openapi-schemas';
import {
  decodeCursor,
  encodeCursor,
  parseBooleanParam,
  parseDateParam,
  parseLimit,
  parseMinPosition,
  parseMonthParam,
  parseTextParam,
} from '../http/query-params';
import { Allow, ApiOperationIds } from '@cvf/platform';

/** Amounts with `exponent` decimals: the company's currency, named once on the list. */
const paymentDocument = (row: PaymentListRow, exponent: number) => ({
  // The id its routes address it by (GET, PUT, DELETE /companies/{id}/payments/{id}).
  id: row.paymentId,
  payment_id: row.paymentId,
  customer_id: row.customerId,
  payment_date: row.paymentDate,
  amount: formatCents(row.amountCents, exponent),
  refunded: formatCents(row.refundedCents, exponent),
  disputed: formatCents(row.disputedCents, exponent),
  net_amount: formatCents(row.amountCents - row.refundedCents - row.disputedCents, exponent),
  voided: row.voided,
  cohort_month: row.cohortMonth === null ? null : formatMonth(row.cohortMonth),
  source: row.source,
  recorded_at: row.recordedAt,
});

const customerDocument = (row: CustomerListRow, exponent: number) => ({
  customer_id: row.customerId,
  cohort_month: formatMonth(row.cohortMonth),
  payments: row.payments,
  net_payments: formatCents(row.netCents, exponent),
});

/** Raw inputs as the read models hold them: how a company gets from its data to the numbers. */
@ApiTags('payments')
@ApiOperationIds({ payments: 'listPayments', payment: 'getPayment', customers: 'listCustomers' })
@Controller('companies/:companyId')
export class PaymentsReadController {
  constructor(private readonly readModel: ReadModelGate) {}

  @Get('payments')
  @Allow('company', 'underwriting', 'operations')
  @ApiOperation({ summary: 'Payments in (payment date, payment id) order, with their cohort' })
  @ApiRead(listSchema(paymentSchema, true, true), { source: 'read models' })
  @ApiPage()
  @ApiQuery({ name: 'customer_id', required: false, type: String })
  @ApiQuery({
    name: 'cohort_month',
    required: false,
    type: String,
    description: "the customer's cohort, YYYY-MM",
  })
  @ApiQuery({
    name: 'from',
    required: false,
    type: String,
    description: 'payment date ≥, YYYY-MM-DD',
  })
  @ApiQuery({
    name: 'to',
    required: false,
    type: String,
    description: 'payment date ≤, YYYY-MM-DD',
  })
  @ApiQuery({ name: 'include_voided', required: false, type: Boolean })
  async payments(
    @Param('companyId', CompanyIdPipe) companyId: string,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const limit = parseLimit(query.limit);
    const after = decodeCursor('payments', ['date', 'id'], query.cursor);
    const filter: PaymentFilter = {
      customerId: parseTextParam('customer_id', query.customer_id),
      cohortMonth: parseMonthParam('cohort_month', query.cohort_month),
      from: parseDateParam('from', query.from),
      to: parseDateParam('to', query.to),
      includeVoided: parseBooleanParam('include_voided', query.include_voided),
    };
    if (filter.from !== undefined && filter.to !== undefined && filter.from > filter.to) {
      throw ValidationError.of('to', `must not be before from (${filter.from})`);
    }
    const page = after && { paymentDate: after.date, paymentId: after.id };
    if (page && parseDateParam('cursor', page.paymentDate) === undefined) {
      throw ValidationError.of('cursor', 'is not a cursor of this payments list');
    }
    const { currency, rows } = await this.ifKnown(companyId, query.min_position, reply, (db) =>
      listPayments(db, this.readModel.schema, companyId, filter, { after: page, limit }),
    );
    const last = rows.at(limit - 1);
    const exponent = currencyExponent(currency);
    return {
      currency,
      data: rows.slice(0, limit).map((row) => paymentDocument(row, exponent)),
      next_cursor:
        rows.length > limit && last
          ? encodeCursor('payments', { date: last.paymentDate, id: last.paymentId })
          : null,
    };
  }

  @Get('payments/:paymentId')
  @Allow('company', 'underwriting', 'operations')
  @ApiOperation({
    summary:
      'One payment: the document of its list item, voided or not, with the currency (404 if unknown)',
  })
  @ApiRead(withCurrency(paymentSchema), { source: 'read models' })
  async payment(
    @Param('companyId', CompanyIdPipe) companyId: string,
    @Param('paymentId') paymentId: string,
    @Query('min_position') minPosition: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { currency, rows } = await this.ifKnown(companyId, minPosition, reply, (db) =>
      listPayments(
        db,
        this.readModel.schema,
        companyId,
        { paymentId, includeVoided: true },
        { after: null, limit: 1 },
      ),
    );
    const row = rows[0];
    if (row === undefined) throw new NotFoundError('payment', { payment_id: paymentId });
    return { ...paymentDocument(row, currencyExponent(currency)), currency };
  }

  @Get('customers')
  @Allow('company', 'underwriting', 'operations')
  @ApiOperation({ summary: 'Customers (with a payment that counts) in id order, with cohort' })
  @ApiRead(listSchema(customerSchema, true, true), { source: 'read models' })
  @ApiPage()
  @ApiQuery({ name: 'cohort_month', required: false, type: String, description: 'YYYY-MM' })
  async customers(
    @Param('companyId', CompanyIdPipe) companyId: string,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const limit = parseLimit(query.limit);
    const after = decodeCursor('customers', ['id'], query.cursor);
    const cohortMonth = parseMonthParam('cohort_month', query.cohort_month);
    const { currency, rows } = await this.ifKnown(companyId, query.min_position, reply, (db) =>
      listCustomers(
        db,
        this.readModel.schema,
        companyId,
        { cohortMonth },
        {
          afterId: after?.id ?? null,
          limit,
        },
      ),
    );
    const last = rows.at(limit - 1);
    const exponent = currencyExponent(currency);
    return {
      currency,
      data: rows.slice(0, limit).map((row) => customerDocument(row, exponent)),
      next_cursor:
        rows.length > limit && last ? encodeCursor('customers', { id: last.customerId }) : null,
    };
  }

  /**
   * The rows and the company's currency, read in the snapshot that says the company exists;
   * 404 when it does not.
   */
  private async ifKnown<T>(
    companyId: string,
    min: unknown,
    reply: FastifyReply,
    list: (db: Queryable) => Promise<T>,
  ): Promise<{ currency: string; rows: T }> {
    const { value, position } = await this.readModel.find(parseMinPosition(min), async (db) => {
      const currency = await companyCurrency(db, this.readModel.schema, companyId);
      return currency === null ? null : { currency, rows: await list(db) };
    });
    if (value === null) throw new NotFoundError('company', { company_id: companyId });
    void reply.header(LOG_POSITION_HEADER, position);
    return value;
  }
}
