import { Body, Controller, Delete, HttpCode, Param, ParseIntPipe, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ValidationError, wire } from '@cvf/domain';
import { CommandBus } from '@nestjs/cqrs';
import { type CompanyCommand } from '@cvf/domain';
import { type WriteResult } from '../commands/stream-writer';
import { AcceptAliases } from '../http/field-aliases';
import { companyWrite, Write, type WriteRequest } from '../http/write-context';
import {
  ActualSpendDto,
  CreateTradeDto,
  OverrideThresholdDto,
  PlannedSpendDto,
  PlanSpendDto,
  PredictionAssumptionsDto,
  SetThresholdDto,
  ThresholdMinimumDto,
  TradeTermsDto,
  WriteResultDto,
} from './company.dto';
import { Allow, ApiOperationIds } from '@cvf/platform';

/**
 * A payment period in the path. A non-integer fails like any other bad field (400 naming
 * payment_period_month, the decider's words), not with the pipe's anonymous message.
 */
const periodParam = new ParseIntPipe({
  exceptionFactory: () =>
    ValidationError.of('payment_period_month', 'must be a whole number of months ≥ 0'),
});

/**
 * A body that names the cohort month of a route addressed by it (`PUT spends/2020-01`, as
 * the Python API's clients send) must name the same month, in any of its spellings.
 */
function requireSameMonth(named: string | undefined, path: string): void {
  if (named === undefined) return;
  const [body, route] = [wire.month(named), wire.month(path)];
  if (body.ok && route.ok && body.value !== route.value) {
    throw ValidationError.of('cohort_month', `must be the path's month, ${path}`);
  }
  if (!body.ok) throw ValidationError.of('cohort_month', body.reason);
}

/** Terms set by underwriting and operations: each route is one command on the company stream. */
@ApiTags('terms')
@ApiResponse({ status: '2XX', type: WriteResultDto })
@ApiOperationIds({
  createTrade: 'createTrade',
  amendTrade: 'amendTrade',
  planSpend: 'planSpend',
  replanSpend: 'replanSpend',
  reportActualSpend: 'reportActualSpend',
  setThreshold: 'setThreshold',
  putThreshold: 'setThresholdOfPeriod',
  removeThreshold: 'removeThreshold',
  override: 'waiveThreshold',
  revokeOverride: 'revokeThresholdWaiver',
  setAssumptions: 'setPredictionAssumptions',
})
@Controller('companies/:companyId')
export class TermsController {
  constructor(private readonly commands: CommandBus) {}

  private run(companyId: string, command: CompanyCommand, write: WriteRequest) {
    return this.commands.execute(companyWrite(companyId, command, write));
  }

  @Post('trades')
  @Allow('underwriting')
  @AcceptAliases('cohort_month')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create the trade of a cohort month (409 if one exists)' })
  createTrade(
    @Param('companyId') id: string,
    @Body() body: CreateTradeDto,
    @Write() w: WriteRequest,
  ): Promise<WriteResult> {
    return this.run(id, { type: 'CreateTrade', data: { ...body } }, w);
  }

  @Put('trades/:cohortMonth')
  @Allow('underwriting')
  @ApiOperation({ summary: 'Amend the trade of a cohort month (404 if none)' })
  amendTrade(
    @Param('companyId') id: string,
    @Param('cohortMonth') cohortMonth: string,
    @Body() body: TradeTermsDto,
    @Write() w: WriteRequest,
  ): Promise<WriteResult> {
    return this.run(id, { type: 'AmendTrade', data: { cohort_month: cohortMonth, ...body } }, w);
  }

  @Post('spends')
  @Allow('company', 'underwriting')
  @AcceptAliases('cohort_month', 'planned_spend')
  @HttpCode(201)
  @ApiOperation({ summary: 'Plan the S&M spend of a cohort month' })
  planSpend(
    @Param('companyId') id: string,
    @Body() body: PlanSpendDto,
    @Write() w: WriteRequest,
  ): Promise<WriteResult> {
    return this.run(id, { type: 'PlanSpend', data: { ...body } }, w);
  }

  @Put('spends/:cohortMonth')
  @Allow('company', 'underwriting')
  @AcceptAliases('cohort_month', 'planned_spend')
  @ApiOperation({ summary: 'Change the planned spend of a cohort month' })
  replanSpend(
    @Param('companyId') id: string,
    @Param('cohortMonth') cohortMonth: string,
    @Body() body: PlannedSpendDto,
    @Write() w: WriteRequest,
  ): Promise<WriteResult> {
    requireSameMonth(body.cohort_month, cohortMonth);
    const data = { cohort_month: cohortMonth, planned_spend: body.planned_spend };
    return this.run(id, { type: 'PlanSpend', data }, w);
  }

  @Put('spends/:cohortMonth/actual')
  @Allow('company', 'underwriting')
  @ApiOperation({
    summary: 'Report the actual spend of a cohort month (it replaces planned spend)',
  })
  reportActualSpend(
    @Param('companyId') id: string,
    @Param('cohortMonth') cohortMonth: string,
    @Body() body: ActualSpendDto,
    @Write() w: WriteRequest,
  ): Promise<WriteResult> {
    return this.run(
      id,
      { type: 'ReportActualSpend', data: { cohort_month: cohortMonth, ...body } },
      w,
    );
  }

  @Post('thresholds')
  @Allow('underwriting')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Set the company-wide threshold of a payment period (replaces an existing one)',
  })
  setThreshold(
    @Param('companyId') id: string,
    @Body() body: SetThresholdDto,
    @Write() w: WriteRequest,
  ): Promise<WriteResult> {
    return this.run(id, { type: 'SetThreshold', data: { ...body } }, w);
  }

  @Put('thresholds/:period')
  @Allow('underwriting')
  @ApiParam({ name: 'period', type: Number })
  @ApiOperation({ summary: 'Set the threshold of a payment period' })
  putThreshold(
    @Param('companyId') id: string,
    @Param('period', periodParam) period: number,
    @Body() body: ThresholdMinimumDto,
    @Write() w: WriteRequest,
  ): Promise<WriteResult> {
    if (body.payment_period_month !== undefined && body.payment_period_month !== period) {
      throw ValidationError.of('payment_period_month', `must be the path's period, ${period}`);
    }
    const data = {
      payment_period_month: period,
      minimum_payment_percent: body.minimum_payment_percent,
    };
    return this.run(id, { type: 'SetThreshold', data }, w);
  }

  @Delete('thresholds/:period')
  @Allow('underwriting')
  @ApiParam({ name: 'period', type: Number })
  @ApiOperation({ summary: 'Remove the threshold of a payment period (404 if none)' })
  removeThreshold(
    @Param('companyId') id: string,
    @Param('period', periodParam) period: number,
    @Write() w: WriteRequest,
  ): Promise<WriteResult> {
    return this.run(id, { type: 'RemoveThreshold', data: { payment_period_month: period } }, w);
  }

  @Post('threshold-overrides')
  @Allow('operations')
  @AcceptAliases('cohort_month')
  @HttpCode(201)
  @ApiOperation({ summary: 'Waive a threshold for one cohort and period (reason required)' })
  override(
    @Param('companyId') id: string,
    @Body() body: OverrideThresholdDto,
    @Write() w: WriteRequest,
  ): Promise<WriteResult> {
    return this.run(id, { type: 'OverrideThreshold', data: { ...body } }, w);
  }

  @Delete('threshold-overrides/:cohortMonth/:period')
  @Allow('operations')
  @ApiParam({ name: 'period', type: Number })
  @ApiOperation({ summary: 'Revoke a threshold waiver (404 if none)' })
  revokeOverride(
    @Param('companyId') id: string,
    @Param('cohortMonth') cohortMonth: string,
    @Param('period', periodParam) period: number,
    @Write() w: WriteRequest,
  ): Promise<WriteResult> {
    return this.run(
      id,
      {
        type: 'RevokeThresholdOverride',
        data: { cohort_month: cohortMonth, payment_period_month: period },
      },
      w,
    );
  }

  @Put('predictions/:scenario')
  @Allow('underwriting')
  @ApiParam({ name: 'scenario', enum: ['WORST', 'AVERAGE', 'BEST'] })
  @ApiOperation({ summary: 'Set the prediction assumptions of a scenario' })
  setAssumptions(
    @Param('companyId') id: string,
    @Param('scenario') scenario: string,
    @Body() body: PredictionAssumptionsDto,
    @Write() w: WriteRequest,
  ): Promise<WriteResult> {
    return this.run(id, { type: 'SetPredictionAssumptions', data: { scenario, ...body } }, w);
  }
}
