import { type PoolClient } from 'pg';
import { type BatchPlan } from './batch-plan';
import { pgArray } from '../sql';

/**
 * Terms events upsert their tables: one statement per table and kind of change, each from
 * arrays, so the number of round trips does not depend on the batch.
 */
export async function applyTerms(client: PoolClient, s: string, plan: BatchPlan): Promise<void> {
  const companies = [...plan.companies.values()];
  if (companies.length > 0) {
    await client.query(
      `INSERT INTO ${s}.companies AS c (company_id, name, registered_at, currency, timezone)
       SELECT company_id, name, registered_at, COALESCE(currency, 'USD'), COALESCE(timezone, 'UTC')
       FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[])
         AS x(company_id, name, registered_at, currency, timezone)
       ON CONFLICT (company_id) DO UPDATE
         SET name = EXCLUDED.name,
             registered_at = COALESCE(c.registered_at, EXCLUDED.registered_at),
             currency = CASE WHEN EXCLUDED.registered_at IS NULL THEN c.currency ELSE EXCLUDED.currency END,
             timezone = CASE WHEN EXCLUDED.registered_at IS NULL THEN c.timezone ELSE EXCLUDED.timezone END`,
      [
        pgArray(companies.map((c) => c.companyId)),
        pgArray(companies.map((c) => c.name)),
        pgArray(companies.map((c) => c.registeredAt)),
        pgArray(companies.map((c) => c.currency)),
        pgArray(companies.map((c) => c.timezone)),
      ],
    );
  }
  const trades = [...plan.trades.values()];
  if (trades.length > 0) {
    await client.query(
      `INSERT INTO ${s}.trades (company_id, cohort_month, sharing_percentage, cash_cap_cents)
       SELECT * FROM unnest($1::text[], $2::int[], $3::numeric[], $4::bigint[])
       ON CONFLICT (company_id, cohort_month) DO UPDATE
         SET sharing_percentage = EXCLUDED.sharing_percentage, cash_cap_cents = EXCLUDED.cash_cap_cents`,
      [
        pgArray(trades.map((t) => t.companyId)),
        pgArray(trades.map((t) => t.cohortMonth)),
        pgArray(trades.map((t) => t.sharingPercentage)),
        pgArray(trades.map((t) => t.cashCapCents)),
      ],
    );
  }
  const spends = [...plan.spends.values()];
  if (spends.length > 0) {
    // A report keeps the stored plan and a re-plan keeps the stored actual (evolveCompany),
    // so a null here means "unchanged": update what exists, insert the rest.
    await client.query(
      `WITH x AS (
         SELECT * FROM unnest($1::text[], $2::int[], $3::bigint[], $4::bigint[])
           AS x(company_id, cohort_month, planned_cents, actual_cents)
       ),
       updated AS (
         UPDATE ${s}.spends sp
         SET planned_cents = COALESCE(x.planned_cents, sp.planned_cents),
             actual_cents  = COALESCE(x.actual_cents, sp.actual_cents)
         FROM x WHERE sp.company_id = x.company_id AND sp.cohort_month = x.cohort_month
         RETURNING sp.company_id, sp.cohort_month
       )
       INSERT INTO ${s}.spends (company_id, cohort_month, planned_cents, actual_cents)
       SELECT x.company_id, x.cohort_month, COALESCE(x.planned_cents, 0), x.actual_cents FROM x
       WHERE NOT EXISTS (SELECT 1 FROM updated u
                         WHERE u.company_id = x.company_id AND u.cohort_month = x.cohort_month)`,
      [
        pgArray(spends.map((r) => r.companyId)),
        pgArray(spends.map((r) => r.cohortMonth)),
        pgArray(spends.map((r) => r.plannedCents)),
        pgArray(spends.map((r) => r.actualCents)),
      ],
    );
  }
  const thresholds = [...plan.thresholds.values()];
  const setThresholds = thresholds.filter((t) => t.minimumPaymentPercent !== null);
  if (setThresholds.length > 0) {
    await client.query(
      `INSERT INTO ${s}.thresholds (company_id, payment_period, minimum_payment_percent)
       SELECT * FROM unnest($1::text[], $2::int[], $3::numeric[])
       ON CONFLICT (company_id, payment_period) DO UPDATE
         SET minimum_payment_percent = EXCLUDED.minimum_payment_percent`,
      [
        pgArray(setThresholds.map((t) => t.companyId)),
        pgArray(setThresholds.map((t) => t.paymentPeriod)),
        pgArray(setThresholds.map((t) => t.minimumPaymentPercent)),
      ],
    );
  }
  const removedThresholds = thresholds.filter((t) => t.minimumPaymentPercent === null);
  if (removedThresholds.length > 0) {
    await client.query(
      `DELETE FROM ${s}.thresholds t USING unnest($1::text[], $2::int[]) AS x(company_id, payment_period)
       WHERE t.company_id = x.company_id AND t.payment_period = x.payment_period`,
      [
        pgArray(removedThresholds.map((t) => t.companyId)),
        pgArray(removedThresholds.map((t) => t.paymentPeriod)),
      ],
    );
  }
  const overrides = [...plan.overrides.values()];
  const setOverrides = overrides.filter((o) => o.reason !== null);
  if (setOverrides.length > 0) {
    await client.query(
      `INSERT INTO ${s}.threshold_overrides (company_id, cohort_month, payment_period, reason)
       SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[])
       ON CONFLICT (company_id, cohort_month, payment_period) DO UPDATE SET reason = EXCLUDED.reason`,
      [
        pgArray(setOverrides.map((o) => o.companyId)),
        pgArray(setOverrides.map((o) => o.cohortMonth)),
        pgArray(setOverrides.map((o) => o.paymentPeriod)),
        pgArray(setOverrides.map((o) => o.reason)),
      ],
    );
  }
  const revokedOverrides = overrides.filter((o) => o.reason === null);
  if (revokedOverrides.length > 0) {
    await client.query(
      `DELETE FROM ${s}.threshold_overrides o
       USING unnest($1::text[], $2::int[], $3::int[]) AS x(company_id, cohort_month, payment_period)
       WHERE o.company_id = x.company_id AND o.cohort_month = x.cohort_month
         AND o.payment_period = x.payment_period`,
      [
        pgArray(revokedOverrides.map((o) => o.companyId)),
        pgArray(revokedOverrides.map((o) => o.cohortMonth)),
        pgArray(revokedOverrides.map((o) => o.paymentPeriod)),
      ],
    );
  }
  const assumptions = [...plan.assumptions.values()];
  if (assumptions.length > 0) {
    await client.query(
      `INSERT INTO ${s}.prediction_assumptions (company_id, scenario, m0, churn)
       SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::numeric[])
       ON CONFLICT (company_id, scenario) DO UPDATE SET m0 = EXCLUDED.m0, churn = EXCLUDED.churn`,
      [
        pgArray(assumptions.map((a) => a.companyId)),
        pgArray(assumptions.map((a) => a.scenario)),
        pgArray(assumptions.map((a) => a.m0)),
        pgArray(assumptions.map((a) => a.churn)),
      ],
    );
  }
}
