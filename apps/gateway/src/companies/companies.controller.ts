import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { type Clock, CLOCK, metricsAsOf, minPosition, monthOf } from '@cvf/cache';
import { currencyExponent, formatCents, NotFoundError } from '@cvf/domain';
import { companySummary, listCompanies } from '@cvf/read-model';
import type { FastifyReply } from 'fastify';
import { CompanyIdPipe } from '../http/company-id.pipe';
import { CachedResults } from '../freshness/cached-results';
import { ReadModelGate } from '../freshness/read-model-gate';
import { LOG_POSITION_HEADER } from '../http/not-yet-consistent';
import { ApiPage, ApiRead } from '../http/openapi';
import { companyDetailSchema, companySchema, listSchema } from '../http/openapi-schemas';
import { decodeCursor, encodeCursor, parseLimit, parseMinPosition } from '../http/query-params';
import {
  Allow,
  Caller,
  metricsFor,
  type Principal,
  seesPredictions,
  ApiOperationIds,
} from '@cvf/platform';

@ApiTags('companies')
@ApiOperationIds({ list: 'listCompanies', detail: 'getCompany' })
@Controller('companies')
export class CompaniesReadController {
  constructor(
    private readonly readModel: ReadModelGate,
    private readonly results: CachedResults,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Allow('company', 'underwriting', 'operations')
  @ApiOperation({ summary: 'Registered companies in id order (cursor pagination)' })
  @ApiPage()
  @ApiRead(listSchema(companySchema), { source: 'read models', company: false })
  async list(
    @Caller() caller: Principal,
    @Query('limit') limit: unknown,
    @Query('cursor') cursor: unknown,
    @Query('min_position') min: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const size = parseLimit(limit);
    const after = decodeCursor('companies', ['id'], cursor);
    const { value: rows, position } = await this.readModel.read(parseMinPosition(min), (db) =>
      listCompanies(db, this.readModel.schema, {
        afterId: after?.id ?? null,
        limit: size,
        // A company's credential lists its own company only.
        onlyId: caller.role === 'company' ? caller.companyId : null,
      }),
    );
    void reply.header(LOG_POSITION_HEADER, position);
    const page = rows.slice(0, size);
    const last = page.at(-1);
    return {
      data: page.map((row) => ({
        id: row.companyId,
        name: row.name,
        currency: row.currency,
        timezone: row.timezone,
        registered_at: row.registeredAt,
      })),
      next_cursor:
        rows.length > size && last ? encodeCursor('companies', { id: last.companyId }) : null,
    };
  }

  @Get(':companyId')
  @Allow('company', 'underwriting', 'operations')
  @ApiOperation({
    summary: 'A company: name, counts from the read models and a summary of its cached metrics',
  })
  @ApiRead(companyDetailSchema, { source: 'read models' })
  async detail(
    @Caller() caller: Principal,
    @Param('companyId', CompanyIdPipe) companyId: string,
    @Query('min_position') min: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const wanted = parseMinPosition(min);
    const summary = await this.readModel.find(wanted, (db) =>
      companySummary(db, this.readModel.schema, companyId),
    );
    const company = summary.value;
    if (company === null) throw new NotFoundError('company', { company_id: companyId });
    const metrics = await this.results.metrics(companyId, wanted);
    // Two sources: the answer claims no more than the older of the two reflects.
    void reply.header(LOG_POSITION_HEADER, minPosition(summary.position, metrics.position));
    const { owed_by_month: _byMonth, ...current } = metricsAsOf(
      metrics.value.metrics,
      monthOf(this.clock.now()),
    );
    const counts = company.counts;
    return {
      id: companyId,
      name: company.name,
      currency: company.currency,
      timezone: company.timezone,
      registered_at: company.registeredAt,
      counts: {
        payments: counts.payments,
        voided_payments: counts.voidedPayments,
        customers: counts.customers,
        cohorts: counts.cohorts,
        trades: counts.trades,
        spends: counts.spends,
        thresholds: counts.thresholds,
        threshold_overrides: counts.thresholdOverrides,
        ...(seesPredictions(caller) ? { prediction_scenarios: counts.predictionScenarios } : {}),
      },
      net_payments: formatCents(counts.netPaymentsCents, currencyExponent(company.currency)),
      metrics: { ...metricsFor(caller, current), computed_at: metrics.value.computed_at },
    };
  }
}
