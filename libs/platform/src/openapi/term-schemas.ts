import { type SchemaObject } from '@nestjs/swagger';
import { SCENARIOS } from '@cvf/domain';
import { wireSchemas } from './wire-schemas';

/**
 * An object schema with a name (a component of the document, a type of the typed client):
 * every property is always present unless listed in `optional` (a property that may be null
 * says so in its own schema).
 */
export function record(
  title: string,
  properties: Record<string, SchemaObject>,
  optional: readonly string[] = [],
): SchemaObject {
  return {
    title,
    type: 'object',
    required: Object.keys(properties).filter((name) => !optional.includes(name)),
    properties,
  };
}

const { month, money } = wireSchemas;
/** A contractual ratio as a document shows it: as entered. */
export const termRatio = { type: 'string', pattern: '^\\d+(\\.\\d+)?$', description: 'as entered' };

/**
 * A company's terms in their wire forms (libs/domain terms-document.ts), the same wherever
 * they are shown: the write side's `GET /companies/{id}/terms` and the read API's lists.
 */
export const termSchemas = {
  trade: record('Trade', {
    id: { ...month, description: 'the cohort month: PUT /companies/{id}/trades/{id}' },
    cohort_month: month,
    sharing_percentage: termRatio,
    cash_cap: money,
  }),
  spend: record('Spend', {
    id: { ...month, description: 'the cohort month: GET and PUT /companies/{id}/spends/{id}' },
    cohort_month: month,
    planned_spend: money,
    actual_spend: { ...money, nullable: true },
    effective_spend: { ...money, description: 'actual when reported, else planned' },
  }),
  threshold: record('Threshold', {
    id: { ...wireSchemas.period, description: 'the period: PUT /companies/{id}/thresholds/{id}' },
    payment_period_month: wireSchemas.period,
    minimum_payment_percent: termRatio,
  }),
  override: record('ThresholdWaiver', {
    cohort_month: month,
    payment_period_month: wireSchemas.period,
    reason: { type: 'string' },
  }),
  assumptions: record('PredictionAssumptions', {
    scenario: { type: 'string', enum: [...SCENARIOS] },
    m0: termRatio,
    churn: termRatio,
  }),
} satisfies Record<string, SchemaObject>;

/** An array of `items`. */
export const list = (items: SchemaObject): SchemaObject => ({ type: 'array', items });

/** `GET /companies/{id}/terms`: the write side's view, with the version to send as If-Match. */
export const companyTermsSchema = record(
  'CompanyTerms',
  {
    id: wireSchemas.entityId,
    name: { type: 'string', nullable: true },
    currency: wireSchemas.currency,
    timezone: { type: 'string' },
    trades: list(termSchemas.trade),
    spends: list(termSchemas.spend),
    thresholds: list(termSchemas.threshold),
    threshold_overrides: list(termSchemas.override),
    prediction_assumptions: { ...list(termSchemas.assumptions), description: 'not for a company' },
    stream_version: { type: 'integer', minimum: 0, description: 'send it as If-Match' },
  },
  ['prediction_assumptions'],
);
