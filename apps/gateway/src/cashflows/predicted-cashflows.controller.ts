import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  type CashflowDocument,
  cashflowDocument,
  computeCompanyCashflows,
  NotFoundError,
} from '@cvf/domain';
import { loadCohortTotals, loadCompanyTerms } from '@cvf/read-model';
import type { FastifyReply } from 'fastify';
import { CompanyIdPipe } from '../http/company-id.pipe';
import { CachedResults } from '../freshness/cached-results';
import { ReadModelGate } from '../freshness/read-model-gate';
import { LOG_POSITION_HEADER } from '../http/not-yet-consistent';
import { ApiRead } from '../http/openapi';
import { cashflowDocumentSchema } from '../http/openapi-schemas';
import { parseMinPosition, parseScenarioParam } from '../http/query-params';
import {
  parsePredictionRequest,
  PredictionRequestDto,
  resolveAssumptions,
} from './prediction-request';
import { Allow, ApiOperationIds } from '@cvf/platform';

const JSON_CONTENT = 'application/json; charset=utf-8';

/**
 * Predicted views. A scenario's view is cached (the worker keeps one per scenario with
 * assumptions, horizon 36); any other assumptions are computed on request from the read
 * models with the engine (`computeCompanyCashflows`): cohort totals and terms, never the
 * payments, so its cost follows the number of cohorts.
 */
@ApiTags('cashflows')
@ApiOperationIds({ scenario: 'getPredictedCashflows', compute: 'computePredictedCashflows' })
@Controller('companies/:companyId/cashflows/predicted')
export class PredictedCashflowsController {
  constructor(
    private readonly results: CachedResults,
    private readonly readModel: ReadModelGate,
  ) {}

  @Get()
  @Allow('underwriting', 'operations')
  @ApiOperation({
    summary: 'Predicted CVF cashflows of a scenario (cached; 404 when it has no assumptions)',
  })
  @ApiRead(cashflowDocumentSchema)
  @ApiQuery({
    name: 'scenario',
    required: false,
    enum: ['WORST', 'AVERAGE', 'BEST'],
    description: 'defaults to AVERAGE',
  })
  async scenario(
    @Param('companyId', CompanyIdPipe) companyId: string,
    @Query('scenario') scenario: unknown,
    @Query('min_position') minPosition: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer> {
    const view = `predicted:${parseScenarioParam(scenario, 'AVERAGE')}` as const;
    const served = await this.results.rollupJson(companyId, view, parseMinPosition(minPosition));
    void reply.header(LOG_POSITION_HEADER, served.position).header('content-type', JSON_CONTENT);
    return served.value;
  }

  @Post()
  @Allow('underwriting', 'operations')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Predicted CVF cashflows for the given churn (and m0, horizon), computed now',
  })
  @ApiRead(cashflowDocumentSchema, { source: 'read models' })
  @ApiBody({ type: PredictionRequestDto })
  async compute(
    @Param('companyId', CompanyIdPipe) companyId: string,
    @Body() body: PredictionRequestDto,
    @Query('min_position') minPosition: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CashflowDocument> {
    const request = parsePredictionRequest(body);
    const { value: inputs, position } = await this.readModel.find(
      parseMinPosition(minPosition),
      async (db) => {
        const company = await loadCompanyTerms(db, this.readModel.schema, companyId);
        if (company === null) return null;
        const totals = await loadCohortTotals(db, this.readModel.schema, companyId, 'all');
        return { company, totals };
      },
    );
    if (inputs === null) throw new NotFoundError('company', { company_id: companyId });
    const assumptions = resolveAssumptions(request, inputs.company.assumptions);
    const report = computeCompanyCashflows(inputs.totals, inputs.company.terms, {
      kind: 'predicted',
      assumptions,
      horizon: request.horizon,
    });
    void reply.header(LOG_POSITION_HEADER, position);
    return cashflowDocument(report, inputs.company.currency);
  }
}
