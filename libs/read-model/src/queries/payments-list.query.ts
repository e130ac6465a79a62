import { type Cents, type MonthIndex } from '@cvf/domain';
import { centsFromPg, quoteSchema, type Queryable } from '../sql';

/** Which payments a list shows. Absent fields do not filter. */
export interface PaymentFilter {
  /** One payment (`GET /companies/{id}/payments/{payment_id}`). */
  readonly paymentId?: string;
  readonly customerId?: string;
  /** The cohort of the payment's customer (customers with a non-voided payment only). */
  readonly cohortMonth?: MonthIndex;
  /** Payment date range, inclusive, `YYYY-MM-DD`. */
  readonly from?: string;
  readonly to?: string;
  /** Voided payments are left out unless asked for. */
  readonly includeVoided: boolean;
}

/** Where a page of payments starts: after this (payment date, payment id). */
export interface PaymentKey {
  readonly paymentDate: string;
  readonly paymentId: string;
}

export interface PaymentListRow extends PaymentKey {
  readonly customerId: string;
  readonly amountCents: Cents;
  readonly refundedCents: Cents;
  readonly disputedCents: Cents;
  readonly voided: boolean;
  readonly source: string;
  readonly recordedAt: string;
  /** The customer's cohort; null when the customer has no payment that counts. */
  readonly cohortMonth: MonthIndex | null;
}

interface Row {
  payment_id: string;
  customer_id: string;
  payment_date: string;
  amount_cents: string;
  refunded_cents: string;
  disputed_cents: string;
  voided: boolean;
  source: string;
  recorded_at: Date;
  cohort_month: number | null;
}

/**
 * One page of a company's payments in (payment date, payment id) order, keyset-paginated so
 * a page costs the same wherever it starts (index payments_by_date). Returns up to
 * `limit + 1` rows: the extra one tells the caller a next page exists.
 */
export async function listPayments(
  db: Queryable,
  schema: string,
  companyId: string,
  filter: PaymentFilter,
  page: { readonly after: PaymentKey | null; readonly limit: number },
): Promise<PaymentListRow[]> {
  const s = quoteSchema(schema);
  const result = await db.query<Row>(
    `SELECT p.payment_id, p.customer_id, to_char(p.payment_date, 'YYYY-MM-DD') AS payment_date,
            p.amount_cents::text, p.refunded_cents::text,
            p.disputed_cents::text, p.voided, p.source, p.recorded_at,
            c.cohort_month
     FROM ${s}.payments p
     LEFT JOIN ${s}.customers c ON c.company_id = p.company_id AND c.customer_id = p.customer_id
     WHERE p.company_id = $1
       AND ($2::text IS NULL OR p.customer_id = $2)
       AND ($3::int IS NULL OR c.cohort_month = $3)
       AND ($4::date IS NULL OR p.payment_date >= $4)
       AND ($5::date IS NULL OR p.payment_date <= $5)
       AND ($6::bool OR NOT p.voided)
       AND ($7::date IS NULL OR (p.payment_date, p.payment_id) > ($7::date, $8::text))
       AND ($10::text IS NULL OR p.payment_id = $10)
     ORDER BY p.payment_date, p.payment_id
     LIMIT $9`,
    [
      companyId,
      filter.customerId ?? null,
      filter.cohortMonth ?? null,
      filter.from ?? null,
      filter.to ?? null,
      filter.includeVoided,
      page.after?.paymentDate ?? null,
      page.after?.paymentId ?? null,
      page.limit + 1,
      filter.paymentId ?? null,
    ],
  );
  return result.rows.map((row) => ({
    paymentId: row.payment_id,
    customerId: row.customer_id,
    paymentDate: row.payment_date,
    amountCents: centsFromPg(row.amount_cents),
    refundedCents: centsFromPg(row.refunded_cents),
    disputedCents: centsFromPg(row.disputed_cents),
    voided: row.voided,
    source: row.source,
    recordedAt: row.recorded_at.toISOString(),
    cohortMonth: row.cohort_month,
  }));
}

export interface CustomerListRow {
  readonly customerId: string;
  readonly cohortMonth: MonthIndex;
  /** Payments that count (not voided) and their net total. */
  readonly payments: number;
  readonly netCents: Cents;
}

/**
 * One page of a company's customers (those with a payment that counts) in id order, with
 * their cohort and totals; keyset-paginated, `limit + 1` rows as for payments.
 */
export async function listCustomers(
  db: Queryable,
  schema: string,
  companyId: string,
  filter: { readonly cohortMonth?: MonthIndex },
  page: { readonly afterId: string | null; readonly limit: number },
): Promise<CustomerListRow[]> {
  const s = quoteSchema(schema);
  const result = await db.query<{
    customer_id: string;
    cohort_month: number;
    payments: number;
    net_cents: string;
  }>(
    `SELECT c.customer_id, c.cohort_month, t.payments, t.net_cents
     FROM ${s}.customers c
     CROSS JOIN LATERAL (
       SELECT count(*)::int AS payments,
              coalesce(sum(p.amount_cents - p.refunded_cents - p.disputed_cents), 0)::text AS net_cents
       FROM ${s}.payments p
       WHERE p.company_id = c.company_id AND p.customer_id = c.customer_id AND NOT p.voided
     ) t
     WHERE c.company_id = $1
       AND ($2::int IS NULL OR c.cohort_month = $2)
       AND ($3::text IS NULL OR c.customer_id > $3)
     ORDER BY c.customer_id
     LIMIT $4`,
    [companyId, filter.cohortMonth ?? null, page.afterId, page.limit + 1],
  );
  return result.rows.map((row) => ({
    customerId: row.customer_id,
    cohortMonth: row.cohort_month,
    payments: row.payments,
    netCents: centsFromPg(row.net_cents),
  }));
}
