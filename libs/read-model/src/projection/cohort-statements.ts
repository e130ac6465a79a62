// An optimised copy of the domain's cohort assignment, `buildCohortTotals`
// (libs/domain/src/engine/cohort-totals.ts): a customer's cohort is the month of their
// earliest non-voided payment, and each (cohort, payment month) cell sums their net payments.
// The SQL here maintains that incrementally, batch by batch, with cohort-deltas.ts and
// payment-statements.ts (or derives it once, after a replay), instead of over the whole
// history. cohort-totals.property.int.spec.ts holds both paths to exactly the customer counts
// and net totals of `buildCohortTotals`: change either side, run it.
import { type PoolClient } from 'pg';
import { centsFromPg, type Queryable, pgArray } from '../sql';
import {
  type CellDelta,
  type CountDelta,
  type CustomerCohort,
  type MonthlySum,
} from './cohort-deltas';

/**
 * Recomputes the cohort of the given customers from their earliest non-voided payment (one
 * index probe each on payments_by_customer), writes customers, and reports each customer's
 * cohort before and after. `before` reads the snapshot the statement started with, so it sees
 * the rows as they were before this statement's own INSERT/DELETE.
 */
export async function recomputeCustomerCohorts(
  client: PoolClient,
  s: string,
  customers: readonly { readonly companyId: string; readonly customerId: string }[],
): Promise<CustomerCohort[]> {
  if (customers.length === 0) return [];
  const result = await client.query<{
    company_id: string;
    customer_id: string;
    before_cohort: number | null;
    after_cohort: number | null;
  }>(
    `WITH affected AS (
       SELECT * FROM unnest($1::text[], $2::text[]) AS a(company_id, customer_id)
     ),
     earliest AS (
       SELECT a.company_id, a.customer_id,
         (SELECT p.payment_month FROM ${s}.payments p
          WHERE p.company_id = a.company_id AND p.customer_id = a.customer_id AND NOT p.voided
          ORDER BY p.payment_month LIMIT 1) AS cohort_month
       FROM affected a
     ),
     before AS (
       SELECT c.company_id, c.customer_id, c.cohort_month
       FROM ${s}.customers c JOIN affected a USING (company_id, customer_id)
     ),
     upserted AS (
       INSERT INTO ${s}.customers AS c (company_id, customer_id, cohort_month)
       SELECT company_id, customer_id, cohort_month FROM earliest WHERE cohort_month IS NOT NULL
       ON CONFLICT (company_id, customer_id) DO UPDATE SET cohort_month = EXCLUDED.cohort_month
       WHERE c.cohort_month <> EXCLUDED.cohort_month
     ),
     removed AS (
       DELETE FROM ${s}.customers c USING earliest e
       WHERE c.company_id = e.company_id AND c.customer_id = e.customer_id
         AND e.cohort_month IS NULL
     )
     SELECT e.company_id, e.customer_id, b.cohort_month AS before_cohort,
            e.cohort_month AS after_cohort
     FROM earliest e LEFT JOIN before b USING (company_id, customer_id)`,
    [pgArray(customers.map((c) => c.companyId)), pgArray(customers.map((c) => c.customerId))],
  );
  return result.rows.map((row) => ({
    companyId: row.company_id,
    customerId: row.customer_id,
    before: row.before_cohort,
    after: row.after_cohort,
  }));
}

/** Current non-voided payments per month of customers whose cohort moved. */
export async function monthlySums(
  client: PoolClient,
  s: string,
  customers: readonly { readonly companyId: string; readonly customerId: string }[],
): Promise<MonthlySum[]> {
  if (customers.length === 0) return [];
  const result = await client.query<{
    company_id: string;
    customer_id: string;
    payment_month: number;
    net_cents: string;
    payment_count: number;
  }>(
    `SELECT p.company_id, p.customer_id, p.payment_month,
            sum(p.amount_cents - p.refunded_cents - p.disputed_cents)::text AS net_cents,
            count(*)::int AS payment_count
     FROM ${s}.payments p
     JOIN unnest($1::text[], $2::text[]) AS m(company_id, customer_id)
       USING (company_id, customer_id)
     WHERE NOT p.voided
     GROUP BY p.company_id, p.customer_id, p.payment_month`,
    [pgArray(customers.map((c) => c.companyId)), pgArray(customers.map((c) => c.customerId))],
  );
  return result.rows.map((row) => ({
    companyId: row.company_id,
    customerId: row.customer_id,
    paymentMonth: row.payment_month,
    netCents: centsFromPg(row.net_cents),
    paymentCount: row.payment_count,
  }));
}

/**
 * Adds the deltas to the cells; a cell left without payments is deleted in the same MERGE.
 * A delete needs the net to reach 0 as well: if it does not, the UPDATE branch runs and the
 * `payment_count > 0` check fails the batch instead of hiding a drifted total.
 */
export async function applyCellDeltas(
  client: PoolClient,
  s: string,
  cells: readonly CellDelta[],
): Promise<void> {
  if (cells.length === 0) return;
  await client.query(
    `MERGE INTO ${s}.cohort_totals t
     USING (SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::bigint[], $5::int[])
              AS d(company_id, cohort_month, payment_month, net_cents, payment_count)) d
     ON t.company_id = d.company_id AND t.cohort_month = d.cohort_month
        AND t.payment_month = d.payment_month
     WHEN MATCHED AND t.payment_count + d.payment_count = 0 AND t.net_cents + d.net_cents = 0
       THEN DELETE
     WHEN MATCHED THEN UPDATE SET net_cents = t.net_cents + d.net_cents,
                                  payment_count = t.payment_count + d.payment_count
     WHEN NOT MATCHED THEN INSERT (company_id, cohort_month, payment_month, net_cents, payment_count)
       VALUES (d.company_id, d.cohort_month, d.payment_month, d.net_cents, d.payment_count)`,
    [
      pgArray(cells.map((c) => c.companyId)),
      pgArray(cells.map((c) => c.cohortMonth)),
      pgArray(cells.map((c) => c.paymentMonth)),
      pgArray(cells.map((c) => c.netCents)),
      pgArray(cells.map((c) => c.paymentCount)),
    ],
  );
}

export async function applyCountDeltas(
  client: PoolClient,
  s: string,
  counts: readonly CountDelta[],
): Promise<void> {
  if (counts.length === 0) return;
  await client.query(
    `MERGE INTO ${s}.cohorts t
     USING (SELECT * FROM unnest($1::text[], $2::int[], $3::int[])
              AS d(company_id, cohort_month, customer_count)) d
     ON t.company_id = d.company_id AND t.cohort_month = d.cohort_month
     WHEN MATCHED AND t.customer_count + d.customer_count = 0 THEN DELETE
     WHEN MATCHED THEN UPDATE SET customer_count = t.customer_count + d.customer_count
     WHEN NOT MATCHED THEN INSERT (company_id, cohort_month, customer_count)
       VALUES (d.company_id, d.cohort_month, d.customer_count)`,
    [
      pgArray(counts.map((c) => c.companyId)),
      pgArray(counts.map((c) => c.cohortMonth)),
      pgArray(counts.map((c) => c.customerCount)),
    ],
  );
}

/**
 * Customers, cohorts and cohort totals from the payments table in three scans: what a
 * replay does once at the end instead of maintaining them batch by batch. Expects the three
 * tables empty (a fresh schema).
 */
export async function deriveCohortsFromPayments(db: Queryable, s: string): Promise<void> {
  await db.query(
    `INSERT INTO ${s}.customers (company_id, customer_id, cohort_month)
     SELECT company_id, customer_id, min(payment_month) FROM ${s}.payments
     WHERE NOT voided GROUP BY company_id, customer_id`,
  );
  await db.query(
    `INSERT INTO ${s}.cohorts (company_id, cohort_month, customer_count)
     SELECT company_id, cohort_month, count(*) FROM ${s}.customers
     GROUP BY company_id, cohort_month`,
  );
  await db.query(
    `INSERT INTO ${s}.cohort_totals (company_id, cohort_month, payment_month, net_cents, payment_count)
     SELECT p.company_id, c.cohort_month, p.payment_month,
            sum(p.amount_cents - p.refunded_cents - p.disputed_cents), count(*)
     FROM ${s}.payments p JOIN ${s}.customers c USING (company_id, customer_id)
     WHERE NOT p.voided
     GROUP BY p.company_id, c.cohort_month, p.payment_month`,
  );
}
