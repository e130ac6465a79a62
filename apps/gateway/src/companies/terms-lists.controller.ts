import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  assumptionsDocument,
  currencyExponent,
  formatMonth,
  NotFoundError,
  overrideDocument,
  spendDocument,
  thresholdDocument,
  tradeDocument,
  ValidationError,
  wire,
} from '@cvf/domain';
import { type CompanyTermsView, loadCompanyTerms } from '@cvf/read-model';
import type { FastifyReply } from 'fastify';
import { CompanyIdPipe } from '../http/company-id.pipe';
import { ReadModelGate } from '../freshness/read-model-gate';
import { LOG_POSITION_HEADER } from '../http/not-yet-consistent';
import { ApiRead } from '../http/openapi';
import { listSchema, termSchemas, withCurrency } from '../http/openapi-schemas';
import { parseMinPosition } from '../http/query-params';
import { Allow, ApiOperationIds } from '@cvf/platform';

/**
 * A company's terms as the read models hold them, in the wire forms the write side uses
 * (`GET /companies/{id}/terms` on ingest): a term reads the same wherever it is shown. Each
 * list is small (at most one entry per month, period or scenario), so it comes whole.
 */
@ApiTags('terms')
@ApiOperationIds({
  trades: 'listTrades',
  spends: 'listSpends',
  spend: 'getSpend',
  thresholds: 'listThresholds',
  overrides: 'listThresholdWaivers',
  predictions: 'listPredictionAssumptions',
})
@Controller('companies/:companyId')
export class TermsListsController {
  constructor(private readonly readModel: ReadModelGate) {}

  @Get('trades')
  @Allow('company', 'underwriting', 'operations')
  @ApiOperation({ summary: 'Trades by cohort month' })
  @ApiRead(listSchema(termSchemas.trade, false, true), { source: 'read models' })
  async trades(
    @Param('companyId', CompanyIdPipe) id: string,
    @Query('min_position') min: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return moneyList(await this.terms(id, min, reply), 'trades', tradeDocument);
  }

  @Get('spends')
  @Allow('company', 'underwriting', 'operations')
  @ApiOperation({ summary: 'Planned, actual and effective spend by cohort month' })
  @ApiRead(listSchema(termSchemas.spend, false, true), { source: 'read models' })
  async spends(
    @Param('companyId', CompanyIdPipe) id: string,
    @Query('min_position') min: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return moneyList(await this.terms(id, min, reply), 'spends', spendDocument);
  }

  @Get('spends/:cohortMonth')
  @Allow('company', 'underwriting', 'operations')
  @ApiOperation({
    summary:
      "One cohort month's spend (its id is the month, any spelling): the list item, with the currency",
  })
  @ApiRead(withCurrency(termSchemas.spend), { source: 'read models' })
  async spend(
    @Param('companyId', CompanyIdPipe) id: string,
    @Param('cohortMonth') cohortMonth: string,
    @Query('min_position') min: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const month = wire.month(cohortMonth);
    if (!month.ok) throw ValidationError.of('cohort_month', month.reason);
    const company = await this.terms(id, min, reply);
    const spend = company.terms.spends.find((entry) => entry.cohortMonth === month.value);
    if (spend === undefined) {
      throw new NotFoundError('spend', { cohort_month: formatMonth(month.value) });
    }
    const exponent = currencyExponent(company.currency);
    return { ...spendDocument(spend, exponent), currency: company.currency };
  }

  @Get('thresholds')
  @Allow('company', 'underwriting', 'operations')
  @ApiOperation({ summary: 'Company-wide thresholds by payment period' })
  @ApiRead(listSchema(termSchemas.threshold, false), { source: 'read models' })
  async thresholds(
    @Param('companyId', CompanyIdPipe) id: string,
    @Query('min_position') min: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const company = await this.terms(id, min, reply);
    return { data: company.terms.thresholds.map(thresholdDocument) };
  }

  @Get('threshold-overrides')
  @Allow('company', 'underwriting', 'operations')
  @ApiOperation({ summary: 'Threshold waivers by cohort month and period' })
  @ApiRead(listSchema(termSchemas.override, false), { source: 'read models' })
  async overrides(
    @Param('companyId', CompanyIdPipe) id: string,
    @Query('min_position') min: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const company = await this.terms(id, min, reply);
    return { data: company.terms.overrides.map(overrideDocument) };
  }

  @Get('predictions')
  @Allow('underwriting', 'operations')
  @ApiOperation({ summary: 'Prediction assumptions (m0, churn) by scenario' })
  @ApiRead(listSchema(termSchemas.assumptions, false), { source: 'read models' })
  async predictions(
    @Param('companyId', CompanyIdPipe) id: string,
    @Query('min_position') min: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const company = await this.terms(id, min, reply);
    const scenarios = [...company.assumptions.entries()].sort(([a], [b]) => a.localeCompare(b));
    return { data: scenarios.map(([scenario, values]) => assumptionsDocument(scenario, values)) };
  }

  private async terms(
    companyId: string,
    min: unknown,
    reply: FastifyReply,
  ): Promise<CompanyTermsView> {
    const { value, position } = await this.readModel.find(parseMinPosition(min), (db) =>
      loadCompanyTerms(db, this.readModel.schema, companyId),
    );
    if (value === null) throw new NotFoundError('company', { company_id: companyId });
    void reply.header(LOG_POSITION_HEADER, position);
    return value;
  }
}

/** A list of terms that show money: each in the company's decimals, the currency named once. */
function moneyList<K extends 'trades' | 'spends', D>(
  company: CompanyTermsView,
  list: K,
  document: (item: CompanyTermsView['terms'][K][number], exponent: number) => D,
): { currency: string; data: D[] } {
  const exponent = currencyExponent(company.currency);
  const items: readonly CompanyTermsView['terms'][K][number][] = company.terms[list];
  return { currency: company.currency, data: items.map((item) => document(item, exponent)) };
}
