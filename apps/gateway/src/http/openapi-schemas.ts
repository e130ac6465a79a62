import { type SchemaObject } from '@nestjs/swagger';
import { SCENARIOS } from '@cvf/domain';
import { list, problemSchema, record, termRatio, termSchemas, wireSchemas } from '@cvf/platform';

/**
 * OpenAPI shapes of the read API as plain JSON Schema: the wire documents are not classes.
 * Each named one (`record`) is a component of the document and a type of the typed client;
 * every property is always present unless listed as optional.
 */

const text = { type: 'string' } as const;
const { money, month, ratio: computedRatio } = wireSchemas;
const currency = { ...wireSchemas.currency, description: 'every amount of the document is in it' };
const nullableMoney = { ...money, nullable: true };
const ratio = { ...computedRatio, nullable: true };
const integer = { type: 'integer' } as const;
const count = { type: 'integer', minimum: 0 } as const;
const nullableInteger = { type: 'integer', nullable: true } as const;
const instant = wireSchemas.instant;

const period = record('Period', {
  period: { type: 'integer', minimum: 0 },
  month,
  payment: money,
  predicted: { type: 'boolean' },
  threshold_failed: { type: 'boolean', nullable: true },
  share_applied: { ...termRatio, nullable: true, example: '0.8' },
  collected: nullableMoney,
  cumulative_collected: nullableMoney,
});

const cohort = record(
  'Cohort',
  {
    cohort_month: month,
    planned_spend: nullableMoney,
    actual_spend: nullableMoney,
    spend: { ...nullableMoney, description: 'effective spend: actual when reported' },
    customer_count: count,
    funded: { type: 'boolean' },
    sharing_percentage: { ...termRatio, description: 'funded cohorts only' },
    cash_cap: { ...money, description: 'funded cohorts only' },
    investment: nullableMoney,
    last_actual_period: nullableInteger,
    periods: list(period),
    cumulative_payment: money,
    cumulative_collected: nullableMoney,
    capped: { type: 'boolean', nullable: true },
    moic: ratio,
    annual_irr: ratio,
    break_even_period: nullableInteger,
    payback_period: nullableInteger,
    cac: nullableMoney,
    ltv_per_customer: nullableMoney,
    unpredicted_reason: {
      type: 'string',
      description:
        'predicted views only, on a cohort without payments they cannot predict (no m0 given or known, or no spend)',
    },
  },
  ['sharing_percentage', 'cash_cap', 'unpredicted_reason'],
);

export const breachSchema = record('Breach', {
  cohort_month: month,
  period: integer,
  month,
  ratio: computedRatio,
  minimum: { ...termRatio, example: '0.25' },
});

const monthlyAmounts = list(record('MonthlyAmount', { month, amount: money }));

export const cashflowDocumentSchema: SchemaObject = {
  ...record('CashflowDocument', {
    view: { type: 'string', enum: ['actual', 'predicted'] },
    currency,
    cohorts: list(cohort),
    monthly_collections: monthlyAmounts,
    breaches: list(breachSchema),
  }),
  description: 'The JSON document `cvf compute --format json` prints for the same data',
};

export const cohortsTableSchema = record('CohortsTable', {
  currency,
  periods: list(integer),
  cohorts: list(
    record('CohortsTableRow', {
      cohort_month: month,
      customer_count: count,
      last_actual_period: nullableInteger,
      payments: { ...list(money), description: 'net payments by period' },
      total: money,
    }),
  ),
});

export const owedSchema = record('Owed', { month, currency, owed: money });

/** The LTV estimate is the fund's: a company's own credential does not see it. */
const PREDICTED_METRICS = ['ltv_estimate', 'ltv_scenario'];

const metricsSummary = {
  as_of_month: month,
  currency,
  owed_this_month: money,
  breaches_count: count,
  total_investment: money,
  total_collected: money,
  moic_to_date: ratio,
  cac_estimate: nullableMoney,
  ltv_estimate: { ...nullableMoney, description: 'not for a company credential' },
  ltv_scenario: { type: 'string', enum: [...SCENARIOS], nullable: true },
  cohorts_count: count,
  capped_cohorts_count: count,
  computed_at: instant,
};

export const metricsSchema = record(
  'Metrics',
  { ...metricsSummary, owed_by_month: monthlyAmounts },
  PREDICTED_METRICS,
);

const companyFields = {
  id: wireSchemas.entityId,
  name: { type: 'string', nullable: true },
  currency: { ...wireSchemas.currency, description: 'every amount of the company is in it' },
  timezone: { type: 'string', description: 'IANA: processor timestamps become dates here' },
  registered_at: { ...instant, nullable: true },
};

export const companySchema = record('Company', companyFields);

const COUNTS = [
  'payments',
  'voided_payments',
  'customers',
  'cohorts',
  'trades',
  'spends',
  'thresholds',
  'threshold_overrides',
  'prediction_scenarios',
];

export const companyDetailSchema = record('CompanyDetail', {
  ...companyFields,
  counts: record('CompanyCounts', Object.fromEntries(COUNTS.map((name) => [name, count])), [
    'prediction_scenarios',
  ]),
  net_payments: money,
  metrics: record('MetricsSummary', metricsSummary, PREDICTED_METRICS),
});

export { termSchemas };

export const paymentSchema = record('Payment', {
  id: {
    ...wireSchemas.entityId,
    description: 'the payment id: GET, PUT, DELETE /companies/{id}/payments/{id}',
  },
  payment_id: wireSchemas.entityId,
  customer_id: text,
  payment_date: wireSchemas.date,
  amount: money,
  refunded: { ...money, description: 'refunds, less those that failed or were canceled' },
  disputed: { ...money, description: 'withdrawn by chargebacks, less what was reinstated' },
  net_amount: { ...money, description: 'amount − refunded − disputed' },
  voided: { type: 'boolean' },
  cohort_month: { ...month, nullable: true, description: "the customer's cohort" },
  source: { type: 'string', example: 'api' },
  recorded_at: instant,
});

export const customerSchema = record('Customer', {
  customer_id: text,
  cohort_month: month,
  payments: count,
  net_payments: money,
});

export const auditEventSchema = record('AuditEvent', {
  position: { ...wireSchemas.position, description: 'log position; the next page starts after it' },
  stream_id: text,
  stream_version: { type: 'integer', minimum: 1 },
  event_id: { type: 'string', format: 'uuid' },
  type: text,
  schema_version: { type: 'integer', minimum: 1 },
  data: { type: 'object', description: 'the event payload as recorded' },
  metadata: record('EventMetadata', {
    company_id: wireSchemas.entityId,
    occurred_at: instant,
    actor: { type: 'string', example: 'key:key_3kT…:company' },
    causation_id: { type: 'string', nullable: true },
    correlation_id: { type: 'string', nullable: true },
  }),
  recorded_at: instant,
});

export { problemSchema };

/**
 * `{ data: [...] }`, plus `next_cursor` when paginated, and `currency` when the items show
 * money (`withCurrency`); named after its items (`PaymentPage`, `TradeList`).
 */
export function listSchema(
  item: SchemaObject,
  paginated = true,
  withCurrency = false,
): SchemaObject {
  return record(`${item.title ?? 'Item'}${paginated ? 'Page' : 'List'}`, {
    ...(withCurrency && { currency }),
    data: list(item),
    ...(paginated && {
      next_cursor: {
        type: 'string',
        nullable: true,
        description: 'pass as ?cursor= for the next page; null on the last page',
      },
    }),
  });
}

/** MCP's JSON-RPC 2.0 messages (Streamable HTTP): the tools are described by the server itself. */
export const mcpMessageSchema: SchemaObject = {
  title: 'JsonRpcMessage',
  type: 'object',
  required: ['jsonrpc'],
  properties: {
    jsonrpc: { type: 'string', enum: ['2.0'] },
    id: { oneOf: [{ type: 'string' }, { type: 'integer' }], nullable: true },
    method: { type: 'string', example: 'tools/call' },
    params: { type: 'object' },
    result: { type: 'object' },
    error: record('JsonRpcErrorDetail', {
      code: integer,
      message: text,
    }),
  },
};

/** A JSON-RPC answer, or a batch of them. */
export const mcpAnswerSchema: SchemaObject = { oneOf: [mcpMessageSchema, list(mcpMessageSchema)] };

/** The MCP transport's own refusals are JSON-RPC errors; the front door's are problems. */
export const mcpErrorSchema: SchemaObject = {
  oneOf: [{ $ref: '#/components/schemas/Problem' }, mcpMessageSchema],
};

/** One record of a list (GET …/payments/{id}, …/spends/{id}): its list item and the currency. */
export const withCurrency = (item: SchemaObject): SchemaObject => ({
  ...item,
  title: `${item.title ?? 'Item'}Record`,
  required: [...(item.required ?? []), 'currency'],
  properties: { ...item.properties, currency },
});
