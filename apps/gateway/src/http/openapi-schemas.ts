import { type SchemaObject } from '@nestjs/swagger';

/** OpenAPI shapes of the read API as plain JSON Schema: the wire documents are not classes. */

const text = { type: 'string' } as const;
const money = {
  type: 'string',
  example: '160.00',
  description: "decimal with the currency's places (JPY 0, USD 2, KWD 3)",
} as const;
const currency = {
  type: 'string',
  example: 'USD',
  description: 'ISO 4217: every amount of the document is in it',
} as const;
const nullableMoney = { ...money, nullable: true } as const;
const month = { type: 'string', example: '2020-01-01', description: 'YYYY-MM-01' } as const;
const ratio = { type: 'string', nullable: true, example: '0.320000' } as const;
const integer = { type: 'integer' } as const;
const nullableInteger = { type: 'integer', nullable: true } as const;
const object = (properties: Record<string, SchemaObject>): SchemaObject => ({
  type: 'object',
  properties,
});

const period = object({
  period: integer,
  month,
  payment: money,
  predicted: { type: 'boolean' },
  threshold_failed: { type: 'boolean', nullable: true },
  share_applied: { type: 'string', nullable: true, example: '0.8' },
  collected: nullableMoney,
  cumulative_collected: nullableMoney,
});

const cohort = object({
  cohort_month: month,
  planned_spend: nullableMoney,
  actual_spend: nullableMoney,
  spend: { ...nullableMoney, description: 'effective spend: actual when reported' },
  customer_count: integer,
  funded: { type: 'boolean' },
  sharing_percentage: { type: 'string', description: 'funded cohorts only' },
  cash_cap: { ...money, description: 'funded cohorts only' },
  investment: nullableMoney,
  last_actual_period: nullableInteger,
  periods: { type: 'array', items: period },
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
});

export const breachSchema = object({
  cohort_month: month,
  period: integer,
  month,
  ratio: { type: 'string', example: '0.100000' },
  minimum: { type: 'string', example: '0.25' },
});

const monthlyAmounts: SchemaObject = { type: 'array', items: object({ month, amount: money }) };

export const cashflowDocumentSchema: SchemaObject = {
  ...object({
    view: { type: 'string', enum: ['actual', 'predicted'] },
    currency,
    cohorts: { type: 'array', items: cohort },
    monthly_collections: monthlyAmounts,
    breaches: { type: 'array', items: breachSchema },
  }),
  description: 'The JSON document `cvf compute --format json` prints for the same data',
};

export const cohortsTableSchema = object({
  currency,
  periods: { type: 'array', items: integer },
  cohorts: {
    type: 'array',
    items: object({
      cohort_month: month,
      customer_count: integer,
      last_actual_period: nullableInteger,
      payments: { type: 'array', items: money, description: 'net payments by period' },
      total: money,
    }),
  },
});

export const owedSchema = object({ month, currency, owed: money });

const metricsSummary = {
  as_of_month: month,
  currency,
  owed_this_month: money,
  breaches_count: integer,
  total_investment: money,
  total_collected: money,
  moic_to_date: ratio,
  cac_estimate: nullableMoney,
  ltv_estimate: nullableMoney,
  ltv_scenario: { type: 'string', nullable: true },
  cohorts_count: integer,
  capped_cohorts_count: integer,
  computed_at: text,
} as const;

export const metricsSchema = object({ ...metricsSummary, owed_by_month: monthlyAmounts });

export const companySchema = object({
  id: text,
  name: { type: 'string', nullable: true },
  currency: { type: 'string', description: 'ISO 4217: every amount of the company is in it' },
  timezone: { type: 'string', description: 'IANA: processor timestamps become dates here' },
  registered_at: { type: 'string', nullable: true },
});

export const companyDetailSchema = object({
  id: text,
  name: { type: 'string', nullable: true },
  currency: { type: 'string', description: 'ISO 4217: every amount of the company is in it' },
  timezone: { type: 'string', description: 'IANA: processor timestamps become dates here' },
  registered_at: { type: 'string', nullable: true },
  counts: object(
    Object.fromEntries(
      [
        'payments',
        'voided_payments',
        'customers',
        'cohorts',
        'trades',
        'spends',
        'thresholds',
        'threshold_overrides',
        'prediction_scenarios',
      ].map((name) => [name, integer]),
    ),
  ),
  net_payments: money,
  metrics: object(metricsSummary),
});

export const termSchemas = {
  trade: object({
    id: { ...month, description: 'the cohort month: PUT /companies/{id}/trades/{id}' },
    cohort_month: month,
    sharing_percentage: { ...text, description: 'as entered' },
    cash_cap: money,
  }),
  spend: object({
    id: { ...month, description: 'the cohort month: GET and PUT /companies/{id}/spends/{id}' },
    cohort_month: month,
    planned_spend: money,
    actual_spend: nullableMoney,
    effective_spend: money,
  }),
  threshold: object({
    id: { ...integer, description: 'the payment period: PUT /companies/{id}/thresholds/{id}' },
    payment_period_month: integer,
    minimum_payment_percent: { ...text, description: 'as entered' },
  }),
  override: object({ cohort_month: month, payment_period_month: integer, reason: text }),
  assumptions: object({
    scenario: { type: 'string', enum: ['WORST', 'AVERAGE', 'BEST'] },
    m0: text,
    churn: text,
  }),
};

export const paymentSchema = object({
  id: { ...text, description: 'the payment id: GET, PUT, DELETE /companies/{id}/payments/{id}' },
  payment_id: text,
  customer_id: text,
  payment_date: { type: 'string', example: '2020-01-15' },
  amount: money,
  refunded: { ...money, description: 'refunds, less those that failed or were canceled' },
  disputed: { ...money, description: 'withdrawn by chargebacks, less what was reinstated' },
  net_amount: { ...money, description: 'amount − refunded − disputed' },
  voided: { type: 'boolean' },
  cohort_month: { ...month, nullable: true, description: "the customer's cohort" },
  source: text,
  recorded_at: text,
});

export const customerSchema = object({
  customer_id: text,
  cohort_month: month,
  payments: integer,
  net_payments: money,
});

export const auditEventSchema = object({
  position: { type: 'string', description: 'log position; the next page starts after it' },
  stream_id: text,
  stream_version: integer,
  event_id: text,
  type: text,
  schema_version: integer,
  data: { type: 'object', description: 'the event payload as recorded' },
  metadata: object({
    company_id: text,
    occurred_at: text,
    actor: text,
    causation_id: { type: 'string', nullable: true },
    correlation_id: { type: 'string', nullable: true },
  }),
  recorded_at: text,
});

export const problemSchema = object({
  status: integer,
  error: text,
  message: text,
  issues: { type: 'array', items: object({ field: text, reason: text }) },
});

/**
 * `{ data: [...] }`, plus `next_cursor` when paginated, and `currency` when the items show
 * money (`withCurrency`).
 */
export function listSchema(
  item: SchemaObject,
  paginated = true,
  withCurrency = false,
): SchemaObject {
  return object({
    ...(withCurrency && { currency }),
    data: { type: 'array', items: item },
    ...(paginated && {
      next_cursor: {
        type: 'string',
        nullable: true,
        description: 'pass as ?cursor= for the next page; null on the last page',
      },
    }),
  });
}

/** One record of a list (GET …/payments/{id}, …/spends/{id}): its list item and the currency. */
export const withCurrency = (item: SchemaObject): SchemaObject => ({
  ...item,
  properties: { ...item.properties, currency },
});
