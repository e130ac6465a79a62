import { type ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { restRequest, type RestRequest, type RestRoute } from './rest';

/**
 * The MCP tools (issue "The API contract", item 5). Each is one REST call: the tool names
 * the route and translates its arguments, and the API does everything else (who may call,
 * which company, validation, the numbers). Input schemas give the types and say the formats;
 * whether a value is acceptable is the API's to judge (its 400 names the field), so a tool and
 * its route cannot disagree about what is valid. There is no "explain a cohort period" tool:
 * the API has no explanation route yet.
 */
export interface CvfTool {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly inputSchema: z.ZodRawShape;
  readonly annotations: ToolAnnotations;
  /** Every route the tool may call: a process serving all of them can offer it in-process. */
  readonly routes: readonly RestRoute[];
  /** The REST call for the tool's arguments. @throws ZodError for arguments off the schema. */
  request(args: unknown): RestRequest;
}

function tool<Shape extends z.ZodRawShape>(spec: {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly input: Shape;
  readonly writes: boolean;
  readonly routes: readonly RestRoute[];
  readonly request: (args: z.output<z.ZodObject<Shape>>) => RestRequest;
}): CvfTool {
  const schema = z.object(spec.input);
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    inputSchema: spec.input,
    // Every write appends events (an earlier value stays in the audit trail), and a repeated
    // one appends nothing (events_appended 0).
    annotations: spec.writes
      ? { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false }
      : { readOnlyHint: true, openWorldHint: false },
    routes: spec.routes,
    request: (args) => spec.request(schema.parse(args)),
  };
}

const route = (method: RestRoute['method'], url: string, service: RestRoute['service']) =>
  ({ method, url, service }) satisfies RestRoute;

/** The REST routes the tools call (apps/gateway and apps/ingest controllers). */
export const TOOL_ROUTES = {
  companies: route('GET', '/companies', 'gateway'),
  cashflows: route('GET', '/companies/:companyId/cashflows', 'gateway'),
  predictedCashflows: route('GET', '/companies/:companyId/cashflows/predicted', 'gateway'),
  owed: route('GET', '/companies/:companyId/owed', 'gateway'),
  cohortsTable: route('GET', '/companies/:companyId/cohorts_table', 'gateway'),
  breaches: route('GET', '/companies/:companyId/breaches', 'gateway'),
  planSpend: route('POST', '/companies/:companyId/spends', 'ingest'),
  actualSpend: route('PUT', '/companies/:companyId/spends/:cohortMonth/actual', 'ingest'),
  recordPayment: route('POST', '/companies/:companyId/payments', 'ingest'),
} as const;

const companyId = z.string().describe('The company id');
const minPosition = z
  .string()
  .optional()
  .describe(
    'A write\'s "position": the answer waits (up to 5 s) until it reflects that write ' +
      '(read-your-writes)',
  );
const money = (what: string) =>
  z.string().describe(`${what}: a decimal string in the company's currency, e.g. "1000.00"`);
const month = (what: string) => z.string().describe(`${what}: YYYY-MM (or YYYY-MM-01)`);

/** The path parameters of a company's route. */
const company = (id: string) => ({ companyId: id });

export const CVF_TOOLS: readonly CvfTool[] = [
  tool({
    name: 'list_companies',
    title: 'List companies',
    description:
      'Registered companies in id order, a page at a time (a company credential sees its own ' +
      'only). Pass next_cursor as cursor for the next page. GET /companies.',
    input: {
      limit: z.number().int().optional().describe("Page size (the API's default when omitted)"),
      cursor: z.string().optional().describe('next_cursor of the previous page'),
      min_position: minPosition,
    },
    writes: false,
    routes: [TOOL_ROUTES.companies],
    request: ({ limit, cursor, min_position }) =>
      restRequest(TOOL_ROUTES.companies, {}, { query: { limit, cursor, min_position } }),
  }),
  tool({
    name: 'get_cashflows',
    title: 'CVF cashflows',
    description:
      'The cashflow document of a company: per cohort its periods (payment, collected, ' +
      'threshold failures), metrics, monthly collections and breaches. Actual by default; ' +
      "with a scenario, predicted over 36 periods from that scenario's assumptions. " +
      'GET /companies/{id}/cashflows, or /cashflows/predicted?scenario=.',
    input: {
      company_id: companyId,
      scenario: z
        .enum(['WORST', 'AVERAGE', 'BEST'])
        .optional()
        .describe('Omit for actual cashflows; a scenario for predicted ones'),
      min_position: minPosition,
    },
    writes: false,
    routes: [TOOL_ROUTES.cashflows, TOOL_ROUTES.predictedCashflows],
    request: ({ company_id, scenario, min_position }) =>
      scenario === undefined
        ? restRequest(TOOL_ROUTES.cashflows, company(company_id), { query: { min_position } })
        : restRequest(TOOL_ROUTES.predictedCashflows, company(company_id), {
            query: { scenario, min_position },
          }),
  }),
  tool({
    name: 'get_owed',
    title: 'Owed for a month',
    description:
      'What a company owes for a calendar month: the sum its funded cohorts collect in it ' +
      '(0.00 when nothing falls there). GET /companies/{id}/owed.',
    input: {
      company_id: companyId,
      month: month('The calendar month; this month when omitted').optional(),
      min_position: minPosition,
    },
    writes: false,
    routes: [TOOL_ROUTES.owed],
    request: ({ company_id, month, min_position }) =>
      restRequest(TOOL_ROUTES.owed, company(company_id), { query: { month, min_position } }),
  }),
  tool({
    name: 'get_cohorts_table',
    title: 'Cohorts table',
    description:
      'Cohort month × period net payments over the actual periods. ' +
      'GET /companies/{id}/cohorts_table.',
    input: { company_id: companyId, min_position: minPosition },
    writes: false,
    routes: [TOOL_ROUTES.cohortsTable],
    request: ({ company_id, min_position }) =>
      restRequest(TOOL_ROUTES.cohortsTable, company(company_id), { query: { min_position } }),
  }),
  tool({
    name: 'list_breaches',
    title: 'Threshold breaches',
    description:
      'The failed actual periods of a company (cohort, period, month, ratio, minimum). ' +
      'GET /companies/{id}/breaches.',
    input: { company_id: companyId, min_position: minPosition },
    writes: false,
    routes: [TOOL_ROUTES.breaches],
    request: ({ company_id, min_position }) =>
      restRequest(TOOL_ROUTES.breaches, company(company_id), { query: { min_position } }),
  }),
  tool({
    name: 'record_planned_spend',
    title: 'Record planned spend',
    description:
      'Plan (or re-plan) the S&M spend of a cohort month. Answers the write: stream_version, ' +
      'events_appended and the position to pass as min_position. POST /companies/{id}/spends.',
    input: {
      company_id: companyId,
      cohort_month: month('The cohort month'),
      planned_spend: money('The planned spend, ≥ 0'),
    },
    writes: true,
    routes: [TOOL_ROUTES.planSpend],
    request: ({ company_id, cohort_month, planned_spend }) =>
      restRequest(TOOL_ROUTES.planSpend, company(company_id), {
        body: { cohort_month, planned_spend },
      }),
  }),
  tool({
    name: 'record_actual_spend',
    title: 'Record actual spend',
    description:
      'Report the actual S&M spend of a cohort month; it replaces the planned spend in every ' +
      'ratio. PUT /companies/{id}/spends/{cohort_month}/actual.',
    input: {
      company_id: companyId,
      cohort_month: month('The cohort month'),
      actual_spend: money('The actual spend, ≥ 0'),
    },
    writes: true,
    routes: [TOOL_ROUTES.actualSpend],
    request: ({ company_id, cohort_month, actual_spend }) =>
      restRequest(
        TOOL_ROUTES.actualSpend,
        { companyId: company_id, cohortMonth: cohort_month },
        { body: { actual_spend } },
      ),
  }),
  tool({
    name: 'record_payment',
    title: 'Record a payment',
    description:
      "Record one payment of a company's customer. Without payment_id the id is derived from " +
      '(customer_id, payment_date, amount), so a retry records nothing new (events_appended 0) ' +
      'and a second identical payment on the same day needs its own payment_id. ' +
      'POST /companies/{id}/payments.',
    input: {
      company_id: companyId,
      customer_id: z.string().describe('The paying customer'),
      payment_date: z.string().describe('YYYY-MM-DD'),
      amount: money('The amount, ≥ 0'),
      payment_id: z.string().optional().describe('Unique per company; derived when omitted'),
      currency: z
        .string()
        .optional()
        .describe("ISO 4217; when given it must be the company's currency"),
    },
    writes: true,
    routes: [TOOL_ROUTES.recordPayment],
    request: ({ company_id, ...payment }) =>
      restRequest(TOOL_ROUTES.recordPayment, company(company_id), { body: payment }),
  }),
];
