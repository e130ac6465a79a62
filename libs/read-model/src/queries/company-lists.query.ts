import { DEFAULT_CURRENCY } from '@cvf/domain';
import { centsFromPg, quoteSchema, type Queryable } from '../sql';

/** A registered company as listed. */
export interface CompanyListRow {
  readonly companyId: string;
  readonly name: string;
  /** ISO-8601; null only for a company renamed in a log that never registered it. */
  readonly registeredAt: string | null;
  readonly currency: string;
  readonly timezone: string;
}

/**
 * Companies in id order, after `afterId` (keyset pagination: a page costs the same wherever it
 * starts). Asks for `limit + 1` rows so the caller knows whether a next page exists.
 */
export async function listCompanies(
  db: Queryable,
  schema: string,
  page: {
    readonly afterId: string | null;
    readonly limit: number;
    /** Only this company (a company's own credential); null lists every company. */
    readonly onlyId?: string | null;
  },
): Promise<CompanyListRow[]> {
  const s = quoteSchema(schema);
  const result = await db.query<{
    company_id: string;
    name: string;
    registered_at: Date | null;
    currency: string;
    timezone: string;
  }>(
    `SELECT company_id, name, registered_at, currency, timezone FROM ${s}.companies
     WHERE ($1::text IS NULL OR company_id > $1) AND ($3::text IS NULL OR company_id = $3)
     ORDER BY company_id
     LIMIT $2`,
    [page.afterId, page.limit + 1, page.onlyId ?? null],
  );
  return result.rows.map((row) => ({
    companyId: row.company_id,
    name: row.name,
    registeredAt: row.registered_at?.toISOString() ?? null,
    currency: row.currency,
    timezone: row.timezone,
  }));
}

/** How much of each kind the read models hold for a company. */
export interface CompanyCounts {
  /** Payments that count (not voided). */
  readonly payments: number;
  readonly voidedPayments: number;
  readonly customers: number;
  /** The cohorts shown: months with spend, a trade or customers. */
  readonly cohorts: number;
  readonly trades: number;
  readonly spends: number;
  readonly thresholds: number;
  readonly thresholdOverrides: number;
  readonly predictionScenarios: number;
  /** Σ net payments (amount − refunds) of payments that count, in cents. */
  readonly netPaymentsCents: number;
}

export interface CompanySummaryRow {
  readonly name: string | null;
  readonly registeredAt: string | null;
  readonly currency: string;
  readonly timezone: string;
  readonly counts: CompanyCounts;
}

interface SummaryRow {
  known: boolean;
  name: string | null;
  registered_at: Date | null;
  currency: string | null;
  timezone: string | null;
  payments: number;
  voided_payments: number;
  net_cents: string;
  customers: number;
  cohorts: number;
  trades: number;
  spends: number;
  thresholds: number;
  overrides: number;
  scenarios: number;
}

/**
 * One company's name and counts, in one statement (one snapshot). Null when the read models
 * have seen no event of the company. The payment counts scan the company's payments: meant for
 * a detail page, not for a hot path.
 */
export async function companySummary(
  db: Queryable,
  schema: string,
  companyId: string,
): Promise<CompanySummaryRow | null> {
  const s = quoteSchema(schema);
  const result = await db.query<SummaryRow>(
    `SELECT
       EXISTS (SELECT 1 FROM ${s}.company_positions WHERE company_id = $1) AS known,
       c.name, c.registered_at, c.currency, c.timezone, p.payments, p.voided_payments, p.net_cents,
       (SELECT count(*)::int FROM ${s}.customers WHERE company_id = $1) AS customers,
       (SELECT count(*)::int FROM (
          SELECT cohort_month FROM ${s}.spends WHERE company_id = $1
          UNION SELECT cohort_month FROM ${s}.trades WHERE company_id = $1
          UNION SELECT cohort_month FROM ${s}.cohorts WHERE company_id = $1) m) AS cohorts,
       (SELECT count(*)::int FROM ${s}.trades WHERE company_id = $1) AS trades,
       (SELECT count(*)::int FROM ${s}.spends WHERE company_id = $1) AS spends,
       (SELECT count(*)::int FROM ${s}.thresholds WHERE company_id = $1) AS thresholds,
       (SELECT count(*)::int FROM ${s}.threshold_overrides WHERE company_id = $1) AS overrides,
       (SELECT count(*)::int FROM ${s}.prediction_assumptions WHERE company_id = $1) AS scenarios
     FROM (SELECT 1) one
     LEFT JOIN ${s}.companies c ON c.company_id = $1
     CROSS JOIN LATERAL (
       SELECT count(*) FILTER (WHERE NOT voided)::int AS payments,
              count(*) FILTER (WHERE voided)::int AS voided_payments,
              coalesce(sum(amount_cents - refunded_cents - disputed_cents) FILTER (WHERE NOT voided), 0)::text
                AS net_cents
       FROM ${s}.payments WHERE company_id = $1) p`,
    [companyId],
  );
  const row = result.rows[0];
  if (!row?.known) return null;
  return {
    name: row.name,
    registeredAt: row.registered_at?.toISOString() ?? null,
    currency: row.currency ?? 'USD',
    timezone: row.timezone ?? 'UTC',
    counts: {
      payments: row.payments,
      voidedPayments: row.voided_payments,
      customers: row.customers,
      cohorts: row.cohorts,
      trades: row.trades,
      spends: row.spends,
      thresholds: row.thresholds,
      thresholdOverrides: row.overrides,
      predictionScenarios: row.scenarios,
      netPaymentsCents: centsFromPg(row.net_cents),
    },
  };
}

/** True when the read models have seen an event of the company. */
/**
 * The company's currency when the read models know the company (as `companyKnown`), else
 * null: what a list of its amounts is formatted in.
 */
export async function companyCurrency(
  db: Queryable,
  schema: string,
  companyId: string,
): Promise<string | null> {
  const s = quoteSchema(schema);
  const result = await db.query<{ currency: string | null }>(
    `SELECT (SELECT currency FROM ${s}.companies WHERE company_id = $1) AS currency
     WHERE EXISTS (SELECT 1 FROM ${s}.company_positions WHERE company_id = $1)`,
    [companyId],
  );
  const row = result.rows[0];
  return row === undefined ? null : (row.currency ?? DEFAULT_CURRENCY);
}

export async function companyKnown(
  db: Queryable,
  schema: string,
  companyId: string,
): Promise<boolean> {
  const result = await db.query<{ known: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM ${quoteSchema(schema)}.company_positions
                    WHERE company_id = $1) AS known`,
    [companyId],
  );
  return result.rows[0]?.known === true;
}
