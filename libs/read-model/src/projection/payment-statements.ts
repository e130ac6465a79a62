import { type PoolClient } from 'pg';
import { centsFromPg, pgArray } from '../sql';
import { type PaymentPatch, type PaymentRow } from './row-changes';
import { type Contribution } from './cohort-deltas';

/** The cohort-relevant side of the payment changes: what each touched payment was and is. */
export interface PaymentChanges {
  /** Touched payments as they were (non-voided ones only). */
  readonly removed: Contribution[];
  /** Touched payments as they are now (non-voided ones only). */
  readonly added: Contribution[];
}

/** New payments: one multi-row INSERT from arrays, whatever their number. */
export async function insertPayments(
  client: PoolClient,
  s: string,
  rows: readonly PaymentRow[],
): Promise<PaymentChanges> {
  const added: Contribution[] = [];
  if (rows.length === 0) return { removed: [], added };
  await client.query(
    `INSERT INTO ${s}.payments (company_id, payment_id, customer_id, payment_date, payment_month,
       amount_cents, refunded_cents, disputed_cents, voided, source, recorded_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::int[],
       $6::bigint[], $7::bigint[], $8::bigint[], $9::bool[], $10::text[], $11::timestamptz[])`,
    [
      pgArray(rows.map((r) => r.companyId)),
      pgArray(rows.map((r) => r.paymentId)),
      pgArray(rows.map((r) => r.customerId)),
      pgArray(rows.map((r) => r.paymentDate)),
      pgArray(rows.map((r) => r.paymentMonth)),
      pgArray(rows.map((r) => r.amountCents)),
      pgArray(rows.map((r) => r.refundedCents)),
      pgArray(rows.map((r) => r.disputedCents)),
      pgArray(rows.map((r) => r.voided)),
      pgArray(rows.map((r) => r.source)),
      pgArray(rows.map((r) => r.recordedAt)),
    ],
  );
  for (const r of rows) {
    if (r.voided) continue;
    added.push({
      companyId: r.companyId,
      customerId: r.customerId,
      paymentMonth: r.paymentMonth,
      netCents: r.amountCents - r.refundedCents - r.disputedCents,
    });
  }
  return { removed: [], added };
}

interface PatchedRow {
  company_id: string;
  before_customer: string;
  before_month: number;
  before_net: string;
  before_voided: boolean;
  customer_id: string;
  payment_month: number;
  net_cents: string;
  voided: boolean;
}

/**
 * Refunds, corrections and voids of earlier payments in one UPDATE. The `before` CTE reads
 * the rows as they were (every part of one statement sees the same snapshot), so the
 * statement reports both sides of each change without a second round trip.
 */
export async function patchPayments(
  client: PoolClient,
  s: string,
  patches: readonly PaymentPatch[],
): Promise<PaymentChanges> {
  const changes: PaymentChanges = { removed: [], added: [] };
  if (patches.length === 0) return changes;
  const result = await client.query<PatchedRow>(
    `WITH patch AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[],
         $6::date[], $7::int[], $8::bigint[], $9::bool[])
         AS x(company_id, payment_id, refund_cents, dispute_cents, customer_id, payment_date,
              payment_month, amount_cents, voided)
     ),
     before AS (
       SELECT p.company_id, p.payment_id, p.customer_id, p.payment_month, p.voided,
              p.amount_cents - p.refunded_cents - p.disputed_cents AS net_cents
       FROM ${s}.payments p JOIN patch x USING (company_id, payment_id)
     )
     UPDATE ${s}.payments p SET
       customer_id    = COALESCE(x.customer_id, p.customer_id),
       payment_date   = COALESCE(x.payment_date, p.payment_date),
       payment_month  = COALESCE(x.payment_month, p.payment_month),
       amount_cents   = COALESCE(x.amount_cents, p.amount_cents),
       refunded_cents = p.refunded_cents + x.refund_cents,
       disputed_cents = p.disputed_cents + x.dispute_cents,
       voided         = p.voided OR x.voided
     FROM patch x JOIN before b USING (company_id, payment_id)
     WHERE p.company_id = x.company_id AND p.payment_id = x.payment_id
     RETURNING p.company_id, b.customer_id AS before_customer, b.payment_month AS before_month,
       b.net_cents::text AS before_net, b.voided AS before_voided, p.customer_id,
       p.payment_month, (p.amount_cents - p.refunded_cents - p.disputed_cents)::text AS net_cents, p.voided`,
    [
      pgArray(patches.map((p) => p.companyId)),
      pgArray(patches.map((p) => p.paymentId)),
      pgArray(patches.map((p) => p.refundCents)),
      pgArray(patches.map((p) => p.disputeCents)),
      pgArray(patches.map((p) => p.correction?.customerId ?? null)),
      pgArray(patches.map((p) => p.correction?.paymentDate ?? null)),
      pgArray(patches.map((p) => p.correction?.paymentMonth ?? null)),
      pgArray(patches.map((p) => p.correction?.amountCents ?? null)),
      pgArray(patches.map((p) => p.voided)),
    ],
  );
  // Every stream starts with PaymentRecorded, so a patch without a row is a corrupt log.
  if (result.rows.length !== patches.length) {
    throw new Error(
      `log corrupt: ${patches.length - result.rows.length} payment change(s) for payments never recorded`,
    );
  }
  for (const row of result.rows) {
    if (!row.before_voided) {
      changes.removed.push({
        companyId: row.company_id,
        customerId: row.before_customer,
        paymentMonth: row.before_month,
        netCents: centsFromPg(row.before_net),
      });
    }
    if (!row.voided) {
      changes.added.push({
        companyId: row.company_id,
        customerId: row.customer_id,
        paymentMonth: row.payment_month,
        netCents: centsFromPg(row.net_cents),
      });
    }
  }
  return changes;
}
