import { Body, Controller, Get, Header, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { companyStateDocument, NotFoundError } from '@cvf/domain';
import type { FastifyReply } from 'fastify';
import { CommandBus } from '@nestjs/cqrs';
import { CompanyStreams } from '../commands/company-streams';
import { type WriteResult } from '../commands/stream-writer';
import { companyWrite, Write, type WriteRequest } from '../http/write-context';
import {
  RegisterCompanyDto,
  RegisteredCompanyDto,
  RenameCompanyDto,
  WriteResultDto,
} from './company.dto';
import {
  Allow,
  Caller,
  type Principal,
  seesPredictions,
  ApiOperationIds,
  companyTermsSchema,
  headerRef,
} from '@cvf/platform';

@ApiTags('companies')
@ApiOperationIds({ register: 'registerCompany', rename: 'renameCompany', terms: 'getCompanyTerms' })
@Controller('companies')
export class CompaniesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly companies: CompanyStreams,
  ) {}

  @Post()
  @Allow('underwriting')
  @HttpCode(201)
  @ApiOperation({ summary: 'Register a portfolio company' })
  @ApiResponse({ status: 201, type: RegisteredCompanyDto })
  async register(
    @Body() body: RegisterCompanyDto,
    @Write() write: WriteRequest,
  ): Promise<WriteResult & { id: string }> {
    const id = body.id ?? randomUUID();
    const result = await this.commands.execute(
      companyWrite(
        id,
        {
          type: 'RegisterCompany',
          data: { name: body.name, currency: body.currency, timezone: body.timezone },
        },
        write,
      ),
    );
    return { id, ...result };
  }

  @Put(':companyId')
  @Allow('underwriting')
  @ApiOperation({ summary: 'Rename a company (If-Match: stream version)' })
  @ApiResponse({ status: 200, type: WriteResultDto })
  rename(
    @Param('companyId') companyId: string,
    @Body() body: RenameCompanyDto,
    @Write() write: WriteRequest,
  ): Promise<WriteResult> {
    return this.commands.execute(
      companyWrite(companyId, { type: 'RenameCompany', data: { name: body.name } }, write),
    );
  }

  @Get(':companyId/terms')
  @Allow('company', 'underwriting', 'operations')
  @Header('cache-control', 'no-store')
  @ApiOkResponse({ schema: companyTermsSchema, headers: { ETag: headerRef('ETag') } })
  @ApiOperation({
    summary:
      "The company's terms as the write side holds them, with the stream version as ETag (for If-Match)",
  })
  async terms(
    @Caller() caller: Principal,
    @Param('companyId') companyId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { state, version } = await this.companies.load(companyId);
    if (!state.registered) throw new NotFoundError('company', { company_id: companyId });
    void reply.header('etag', `"${version}"`);
    const { prediction_assumptions: assumptions, ...terms } = companyStateDocument(
      companyId,
      state,
    );
    // The fund's prediction assumptions are not a portfolio company's to see.
    return {
      ...terms,
      ...(seesPredictions(caller) ? { prediction_assumptions: assumptions } : {}),
      stream_version: version,
    };
  }
}
