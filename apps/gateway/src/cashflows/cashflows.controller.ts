import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type Clock, CLOCK } from '@cvf/cache';
import {
  type CashflowDocument,
  cohortsTable,
  type CohortsTable,
  metricsAsOf,
  monthOfInstant,
  owedDocument,
  type OwedDocument,
} from '@cvf/domain';
import type { FastifyReply } from 'fastify';
import { CompanyIdPipe } from '../http/company-id.pipe';
import { CachedResults } from '../freshness/cached-results';
import { LOG_POSITION_HEADER } from '../http/not-yet-consistent';
import { ApiRead } from '../http/openapi';
import {
  breachSchema,
  cashflowDocumentSchema,
  cohortsTableSchema,
  listSchema,
  metricsSchema,
  owedSchema,
} from '../http/openapi-schemas';
import { parseMinPosition, parseMonthParam } from '../http/query-params';
import { Allow, Caller, metricsFor, type Principal, ApiOperationIds } from '@cvf/platform';

/**
 * The cached results of a company (libs/cache): the actual cashflow document and what is
 * derived from it (predicted views: predicted-cashflows.controller.ts). Each answer says in X-Log-Position which log position it
 * reflects; `min_position` makes it wait for one (read-your-writes).
 */
@ApiTags('cashflows')
@ApiOperationIds({
  actual: 'getCashflows',
  cohortsTable: 'getCohortsTable',
  owed: 'getOwed',
  breaches: 'listBreaches',
  metrics: 'getMetrics',
})
@Controller('companies/:companyId')
export class CashflowsController {
  constructor(
    private readonly results: CachedResults,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('cashflows')
  @Allow('company', 'underwriting', 'operations')
  @ApiOperation({ summary: 'Actual CVF cashflows: the document the CLI prints, from the cache' })
  @ApiRead(cashflowDocumentSchema)
  async actual(
    @Param('companyId', CompanyIdPipe) companyId: string,
    @Query('min_position') minPosition: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    // The stored document's bytes go out as they are: no parse, no serialisation.
    const served = await this.results.rollupJson(
      companyId,
      'actual',
      parseMinPosition(minPosition),
    );
    void reply
      .header(LOG_POSITION_HEADER, served.position)
      .header('content-type', 'application/json; charset=utf-8');
    return served.value;
  }

  @Get('cohorts_table')
  @Allow('company', 'underwriting', 'operations')
  @ApiOperation({ summary: 'Cohort × period net payments (actual periods)' })
  @ApiRead(cohortsTableSchema)
  async cohortsTable(
    @Param('companyId', CompanyIdPipe) companyId: string,
    @Query('min_position') minPosition: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CohortsTable> {
    return cohortsTable(await this.actualDocument(companyId, minPosition, reply));
  }

  @Get('owed')
  @Allow('company', 'underwriting', 'operations')
  @ApiOperation({
    summary: 'Owed for a month: what funded cohorts collect in it (0.00 when nothing falls there)',
  })
  @ApiRead(owedSchema)
  @ApiQuery({
    name: 'month',
    required: false,
    type: String,
    description: 'YYYY-MM; defaults to this month',
  })
  async owed(
    @Param('companyId', CompanyIdPipe) companyId: string,
    @Query('month') month: unknown,
    @Query('min_position') minPosition: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OwedDocument> {
    const wanted = parseMonthParam('month', month) ?? monthOfInstant(this.clock.now());
    return owedDocument(await this.actualDocument(companyId, minPosition, reply), wanted);
  }

  @Get('breaches')
  @Allow('company', 'underwriting', 'operations')
  @ApiOperation({ summary: 'Failed actual periods (threshold breaches), by cohort and period' })
  @ApiRead(listSchema(breachSchema, false))
  async breaches(
    @Param('companyId', CompanyIdPipe) companyId: string,
    @Query('min_position') minPosition: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return { data: (await this.actualDocument(companyId, minPosition, reply)).breaches };
  }

  @Get('metrics')
  @Allow('company', 'underwriting', 'operations')
  @ApiOperation({
    summary: 'Owed this month, breaches, MOIC to date, LTV and CAC estimates and more',
  })
  @ApiRead(metricsSchema)
  async metrics(
    @Caller() caller: Principal,
    @Param('companyId', CompanyIdPipe) companyId: string,
    @Query('min_position') minPosition: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const served = await this.results.metrics(companyId, parseMinPosition(minPosition));
    void reply.header(LOG_POSITION_HEADER, served.position);
    // Cached metrics were computed in some month; "owed this month" follows the clock.
    const metrics = metricsAsOf(served.value.metrics, monthOfInstant(this.clock.now()));
    return { ...metricsFor(caller, metrics), computed_at: served.value.computed_at };
  }

  private async actualDocument(
    companyId: string,
    minPosition: unknown,
    reply: FastifyReply,
  ): Promise<CashflowDocument> {
    const served = await this.results.rollup(companyId, 'actual', parseMinPosition(minPosition));
    void reply.header(LOG_POSITION_HEADER, served.position);
    return served.value;
  }
}
