import {
  Body,
  Controller,
  createParamDecorator,
  Get,
  Global,
  HttpCode,
  Module,
  Param,
  Post,
  Res,
} from '@nestjs/common';
import { ApiProduces, ApiProperty, ApiResponse, type OpenAPIObject } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { Allow, Public } from '../auth/route-policy';
import { APP_CONFIG, PG_POOL } from '../nest/tokens';
import { ContractChecker } from '../testing/openapi-contract';
import { ApiOperationIds, asCommandRoute } from './decorators';
import { openApiDocumentOf } from './document';

// The document builder on a small app (Nest's preview mode: nothing runs), given what routes
// declare, then the contract checker on answers to it.

class PlanDto {
  @ApiProperty() @IsString() cohort_month!: string;
  @ApiProperty() @IsString() planned_spend!: string;
}

class PlannedDto {
  @ApiProperty() stream_version!: number;
  @ApiProperty({ nullable: true, type: String }) position!: string | null;
}

const Write = asCommandRoute(createParamDecorator(() => ({})));

@ApiOperationIds({ plan: 'planThing', read: 'getThing', stream: 'streamThings', live: 'getLive' })
@ApiResponse({ status: '2XX', type: PlannedDto })
@Controller()
class ThingsController {
  @Post('companies/:companyId/things')
  @Allow('underwriting')
  @HttpCode(201)
  plan(@Param('companyId') _id: string, @Body() _body: PlanDto, @Write() _write: unknown) {
    return {};
  }

  @Get('companies/:companyId/things/:cohortMonth')
  @Allow('company', 'underwriting', 'operations')
  read(@Param('companyId') _id: string, @Param('cohortMonth') _month: string) {
    return {};
  }

  @Get('things/stream')
  @Allow('operations')
  @ApiProduces('text/event-stream')
  @ApiResponse({ status: 200, schema: { type: 'string' } })
  @ApiResponse({ status: 400, description: 'a bad Last-Event-ID' })
  stream(@Res() _reply: unknown) {}

  @Get('health/live')
  @Public('probes')
  live() {
    return { status: 'ok' };
  }
}

/** What the front door (AuthModule) needs of the app; preview mode never uses them. */
@Global()
@Module({
  providers: [
    { provide: APP_CONFIG, useValue: {} },
    { provide: PG_POOL, useValue: {} },
  ],
  exports: [APP_CONFIG, PG_POOL],
})
class ServicesModule {}

@Module({ imports: [ServicesModule], controllers: [ThingsController] })
class ThingsModule {}

let document: OpenAPIObject;
type Operation = Record<string, unknown> & { responses: Record<string, Record<string, unknown>> };
const operation = (path: string, method: 'get' | 'post'): Operation =>
  (document.paths[path] as Record<string, Operation>)[method]!;

beforeAll(async () => {
  document = await openApiDocumentOf(ThingsModule, { title: 'things', description: 'spec' });
});

describe('the document of a route', () => {
  it('is 3.1, with the friendly operationId and the status the route answers', () => {
    expect(document.openapi).toBe('3.1.0');
    const plan = operation('/companies/{companyId}/things', 'post');
    expect(plan.operationId).toBe('planThing');
    // The class-wide success body, at the route's own status (201), and no other 2xx.
    expect(Object.keys(plan.responses).filter((status) => status.startsWith('2'))).toEqual(['201']);
    expect(plan.responses['201']?.content).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/PlannedDto' } },
    });
  });

  it('writes nullable as a null in the type', () => {
    const planned = document.components?.schemas?.PlannedDto as Record<string, unknown>;
    expect(planned.properties).toMatchObject({ position: { type: ['string', 'null'] } });
    expect(JSON.stringify(document)).not.toContain('nullable');
  });

  it('secures by the route policy, and leaves public routes without security', () => {
    expect(operation('/companies/{companyId}/things', 'post').security).toEqual([
      { apiKey: ['underwriting', 'admin'] },
      { jwt: ['underwriting', 'admin'] },
    ]);
    expect(operation('/health/live', 'get').security).toEqual([]);
    expect(Object.keys(operation('/health/live', 'get').responses)).toEqual(['200', '500']);
  });

  it('documents a command: If-Match, and the problems of its body, path and policy', () => {
    const plan = operation('/companies/{companyId}/things', 'post');
    expect(Object.keys(plan.responses).sort()).toEqual(
      ['201', '400', '401', '403', '404', '409', '412', '413', '415', '422', '429', '500'].sort(),
    );
    expect(plan.parameters).toContainEqual({ $ref: '#/components/parameters/IfMatch' });
    expect(plan.responses['401']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } },
      headers: { 'WWW-Authenticate': { $ref: '#/components/headers/WWW-Authenticate' } },
    });
    // A read open to every role has no 403.
    expect(operation('/companies/{companyId}/things/{cohortMonth}', 'get').responses['403']).toBe(
      undefined,
    );
  });

  it('gives request fields their wire rules and closes request bodies', () => {
    const body = document.components?.schemas?.PlanDto as Record<string, unknown>;
    expect(body.additionalProperties).toBe(false);
    expect(body.properties).toMatchObject({
      cohort_month: { type: 'string', pattern: expect.stringContaining('(-01)?$') as unknown },
      planned_spend: { type: 'string', pattern: '^\\d+(\\.\\d+)?$' },
    });
    const read = operation('/companies/{companyId}/things/{cohortMonth}', 'get');
    expect(read.parameters).toContainEqual(
      expect.objectContaining({
        name: 'companyId',
        schema: expect.objectContaining({ pattern: '^[A-Za-z0-9._:-]{1,100}$' }) as unknown,
      }),
    );
  });

  it("documents a stream's errors as JSON problems", () => {
    const stream = operation('/things/stream', 'get');
    expect(Object.keys(stream.responses['200']?.content as object)).toEqual(['text/event-stream']);
    expect(stream.responses['400']).toMatchObject({
      description: 'a bad Last-Event-ID',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } },
    });
  });
});

describe('the contract checker', () => {
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
    method: 'POST',
    url: '/companies/acme/things',
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-request-id': 'r1',
      ...headers,
    },
    body: JSON.stringify(body),
  });

  it('accepts an answer the document describes', () => {
    const checker = new ContractChecker(document);
    expect(checker.problems(answer(201, { stream_version: 1, position: '1:2' }))).toEqual([]);
    // The same route answering with a trailing slash.
    const slashed = {
      ...answer(201, { stream_version: 1, position: null }),
      url: '/companies/acme/things/',
    };
    expect(checker.problems(slashed)).toEqual([]);
    expect(
      checker.problems(answer(404, { status: 404, error: 'not_found', message: 'no company' })),
    ).toEqual([]);
  });

  it('names what is wrong: a field not documented, a status, a header, a media type', () => {
    const checker = new ContractChecker(document);
    expect(
      checker.problems(answer(201, { stream_version: 1, position: null, extra: true })),
    ).toEqual(["planThing 201: body must NOT have additional properties 'extra'"]);
    expect(checker.problems(answer(200, { stream_version: 1, position: null }))[0]).toMatch(
      /status 200 is not documented/,
    );
    expect(
      checker.problems({ ...answer(201, { stream_version: 1, position: null }), headers: {} }),
    ).toEqual([
      'planThing 201: header X-Request-Id is missing',
      "planThing 201: content-type '', documented application/json",
    ]);
    expect(checker.problems({ ...answer(200, {}), method: 'GET', url: '/nowhere' })).toEqual([
      'no operation for GET /nowhere (answered 200)',
    ]);
  });
});
