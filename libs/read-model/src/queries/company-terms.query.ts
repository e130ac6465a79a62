import {
  type CompanyTerms,
  TermRatio,
  DEFAULT_CURRENCY,
  type PredictionAssumptions,
  type Scenario,
  SCENARIOS,
} from '@cvf/domain';
import { centsFromPg, quoteSchema, type Queryable } from '../sql';

export interface CompanyTermsView {
  /** Null when the company's registration has not been projected (or never happened). */
  readonly name: string | null;
  /** ISO 4217; USD until the registration is projected (the default of every company). */
  readonly currency: string;
  readonly terms: CompanyTerms;
  readonly assumptions: Map<Scenario, PredictionAssumptions>;
}

interface TermsRow {
  known: boolean;
  name: string | null;
  currency: string | null;
  spends: [number, string, string | null][];
  trades: [number, string, string][];
  thresholds: [number, string][];
  overrides: [number, number, string][];
  assumptions: [string, string, string][];
}

/**
 * Everything about a company but its payments, in the engine's term types. One statement,
 * so all of it comes from one snapshot (never half of a batch). Numbers travel as text inside
 * the JSON: a JSON number would turn a bigint or a ratio into a float.
 * Null when the read models have seen no event of the company.
 */
export async function loadCompanyTerms(
  db: Queryable,
  schema: string,
  companyId: string,
): Promise<CompanyTermsView | null> {
  const s = quoteSchema(schema);
  const result = await db.query<TermsRow>(
    `SELECT
       EXISTS (SELECT 1 FROM ${s}.company_positions WHERE company_id = $1) AS known,
       (SELECT name FROM ${s}.companies WHERE company_id = $1) AS name,
       (SELECT currency FROM ${s}.companies WHERE company_id = $1) AS currency,
       (SELECT coalesce(json_agg(json_build_array(cohort_month, planned_cents::text,
                 actual_cents::text) ORDER BY cohort_month), '[]')
        FROM ${s}.spends WHERE company_id = $1) AS spends,
       (SELECT coalesce(json_agg(json_build_array(cohort_month, sharing_percentage::text,
                 cash_cap_cents::text) ORDER BY cohort_month), '[]')
        FROM ${s}.trades WHERE company_id = $1) AS trades,
       (SELECT coalesce(json_agg(json_build_array(payment_period,
                 minimum_payment_percent::text) ORDER BY payment_period), '[]')
        FROM ${s}.thresholds WHERE company_id = $1) AS thresholds,
       (SELECT coalesce(json_agg(json_build_array(cohort_month, payment_period, reason)
                 ORDER BY cohort_month, payment_period), '[]')
        FROM ${s}.threshold_overrides WHERE company_id = $1) AS overrides,
       (SELECT coalesce(json_agg(json_build_array(scenario, m0::text, churn::text)), '[]')
        FROM ${s}.prediction_assumptions WHERE company_id = $1) AS assumptions`,
    [companyId],
  );
  const row = result.rows[0];
  if (!row?.known) return null;
  const assumptions = new Map<Scenario, PredictionAssumptions>();
  for (const [scenario, m0, churn] of row.assumptions) {
    assumptions.set(toScenario(scenario), { m0: new TermRatio(m0), churn: new TermRatio(churn) });
  }
  return {
    name: row.name,
    currency: row.currency ?? DEFAULT_CURRENCY,
    terms: {
      spends: row.spends.map(([cohortMonth, planned, actual]) => ({
        cohortMonth,
        plannedCents: centsFromPg(planned),
        actualCents: actual === null ? null : centsFromPg(actual),
      })),
      trades: row.trades.map(([cohortMonth, sharing, cap]) => ({
        cohortMonth,
        sharingPercentage: new TermRatio(sharing),
        cashCapCents: centsFromPg(cap),
      })),
      thresholds: row.thresholds.map(([paymentPeriod, minimum]) => ({
        paymentPeriod,
        minimumPaymentPercent: new TermRatio(minimum),
      })),
      overrides: row.overrides.map(([cohortMonth, paymentPeriod, reason]) => ({
        cohortMonth,
        paymentPeriod,
        reason,
      })),
    },
    assumptions,
  };
}

function toScenario(text: string): Scenario {
  const scenario = SCENARIOS.find((s) => s === text);
  if (!scenario) throw new Error(`read model holds unknown scenario '${text}'`);
  return scenario;
}
