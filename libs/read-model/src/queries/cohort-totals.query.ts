import { type CohortTotals, type MonthIndex } from '@cvf/domain';
import { centsFromPg, quoteSchema, type Queryable } from '../sql';

/**
 * The engine's per-cohort input, read from the cohort_totals cells: the cost follows the
 * number of requested cohorts and their periods, never the number of payments. Dense from
 * period 0 to the last actual period L (a month inside 0..L without payments is an actual
 * zero). A requested cohort without customers is absent from the map.
 */
export async function loadCohortTotals(
  db: Queryable,
  schema: string,
  companyId: string,
  cohortMonths: readonly MonthIndex[] | 'all',
): Promise<Map<MonthIndex, CohortTotals>> {
  const s = quoteSchema(schema);
  // One statement: the counts and the cells of a cohort come from the same snapshot.
  const result = await db.query<{
    cohort_month: number;
    customer_count: number;
    payment_months: number[];
    net_cents: string[];
  }>(
    `SELECT c.cohort_month, c.customer_count,
            coalesce(t.payment_months, '{}') AS payment_months,
            coalesce(t.net_cents, '{}') AS net_cents
     FROM ${s}.cohorts c
     LEFT JOIN LATERAL (
       SELECT array_agg(payment_month ORDER BY payment_month) AS payment_months,
              array_agg(net_cents::text ORDER BY payment_month) AS net_cents
       FROM ${s}.cohort_totals
       WHERE company_id = c.company_id AND cohort_month = c.cohort_month
     ) t ON true
     WHERE c.company_id = $1 AND ($2::int[] IS NULL OR c.cohort_month = ANY($2::int[]))
     ORDER BY c.cohort_month`,
    [companyId, cohortMonths === 'all' ? null : cohortMonths],
  );
  const totals = new Map<MonthIndex, CohortTotals>();
  for (const row of result.rows) {
    const cohortMonth = row.cohort_month;
    const last = row.payment_months.at(-1);
    const periodCents: number[] = new Array<number>(
      last === undefined ? 0 : last - cohortMonth + 1,
    ).fill(0);
    row.payment_months.forEach((month, i) => {
      periodCents[month - cohortMonth] = centsFromPg(row.net_cents[i] ?? '0');
    });
    totals.set(cohortMonth, { cohortMonth, customerCount: row.customer_count, periodCents });
  }
  return totals;
}

/** The cohorts a company shows: months with spend, a trade, or customers (DOMAIN.md). */
export async function listCohortMonths(
  db: Queryable,
  schema: string,
  companyId: string,
): Promise<MonthIndex[]> {
  const s = quoteSchema(schema);
  const result = await db.query<{ cohort_month: number }>(
    `SELECT cohort_month FROM ${s}.spends WHERE company_id = $1
     UNION SELECT cohort_month FROM ${s}.trades WHERE company_id = $1
     UNION SELECT cohort_month FROM ${s}.cohorts WHERE company_id = $1
     ORDER BY cohort_month`,
    [companyId],
  );
  return result.rows.map((row) => row.cohort_month);
}
