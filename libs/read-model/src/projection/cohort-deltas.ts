import { assertSafeCents, type MonthIndex } from '@cvf/domain';

/**
 * How the cohort table and the customer counts change when some payments change (pure; the
 * SQL around it is in cohort-statements.ts).
 *
 * A customer's contribution to cell (cohort, month) is the sum of their non-voided payments
 * in that month, filed under their cohort. Only customers a batch touched can change. For
 * each, with `before`/`after` their cohort around the batch:
 *   delta = − touched payments as they were, at `before`
 *           + touched payments as they are,  at `after`
 *           + (untouched payments, moved from `before` to `after` if the cohort changed)
 * Untouched payments are the customer's current payments minus the touched ones, so only a
 * customer whose cohort moved costs a read of their other payments; a customer who gains or
 * loses a cohort had no untouched payments (they had none, or have none, counted).
 */

/** One payment's share of a cell: a net amount and a count of 1. */
export interface Contribution {
  readonly companyId: string;
  readonly customerId: string;
  readonly paymentMonth: MonthIndex;
  readonly netCents: number;
}

export interface CustomerCohort {
  readonly companyId: string;
  readonly customerId: string;
  /** Null: no non-voided payment (not a customer) on that side of the batch. */
  readonly before: MonthIndex | null;
  readonly after: MonthIndex | null;
}

/** A customer's current non-voided payments in one month. */
export interface MonthlySum {
  readonly companyId: string;
  readonly customerId: string;
  readonly paymentMonth: MonthIndex;
  readonly netCents: number;
  readonly paymentCount: number;
}

export interface CellDelta {
  readonly companyId: string;
  readonly cohortMonth: MonthIndex;
  readonly paymentMonth: MonthIndex;
  netCents: number;
  paymentCount: number;
}

export interface CountDelta {
  readonly companyId: string;
  readonly cohortMonth: MonthIndex;
  customerCount: number;
}

export interface CohortDeltas {
  readonly cells: readonly CellDelta[];
  readonly counts: readonly CountDelta[];
  /** Per company, the cohorts whose cells or customer count changed. */
  readonly dirty: ReadonlyMap<string, ReadonlySet<MonthIndex>>;
}

const key = (...parts: readonly (string | number)[]): string => parts.join('\u0000');

/** Customers whose cohort moved from one month to another: their untouched payments move too. */
export function movedCustomers(cohorts: readonly CustomerCohort[]): CustomerCohort[] {
  return cohorts.filter((c) => c.before !== null && c.after !== null && c.before !== c.after);
}

export function cohortDeltas(input: {
  readonly removed: readonly Contribution[];
  readonly added: readonly Contribution[];
  readonly cohorts: readonly CustomerCohort[];
  /** Current monthly sums of every customer in `movedCustomers(cohorts)`, nothing else needed. */
  readonly movedSums: readonly MonthlySum[];
}): CohortDeltas {
  const cohortOf = new Map(input.cohorts.map((c) => [key(c.companyId, c.customerId), c]));
  const customer = (c: { companyId: string; customerId: string }): CustomerCohort => {
    const found = cohortOf.get(key(c.companyId, c.customerId));
    if (!found) throw new Error(`customer ${c.customerId} of ${c.companyId} was not recomputed`);
    return found;
  };
  const cells = new Map<string, CellDelta>();
  const addToCell = (
    companyId: string,
    cohortMonth: MonthIndex | null,
    paymentMonth: MonthIndex,
    netCents: number,
    paymentCount: number,
  ): void => {
    // A contribution without a cohort means the payments and customers tables disagree.
    if (cohortMonth === null) throw new Error(`read model inconsistent for company ${companyId}`);
    const cellKey = key(companyId, cohortMonth, paymentMonth);
    const cell = cells.get(cellKey);
    if (cell) {
      cell.netCents = assertSafeCents(cell.netCents + netCents);
      cell.paymentCount += paymentCount;
    } else {
      cells.set(cellKey, { companyId, cohortMonth, paymentMonth, netCents, paymentCount });
    }
  };

  for (const c of input.removed) {
    addToCell(c.companyId, customer(c).before, c.paymentMonth, -c.netCents, -1);
  }
  const touchedNow = new Map<string, { netCents: number; paymentCount: number }>();
  for (const c of input.added) {
    addToCell(c.companyId, customer(c).after, c.paymentMonth, c.netCents, 1);
    const sumKey = key(c.companyId, c.customerId, c.paymentMonth);
    const sum = touchedNow.get(sumKey) ?? { netCents: 0, paymentCount: 0 };
    sum.netCents += c.netCents;
    sum.paymentCount += 1;
    touchedNow.set(sumKey, sum);
  }
  for (const sum of input.movedSums) {
    const { before, after } = customer(sum);
    const touched = touchedNow.get(key(sum.companyId, sum.customerId, sum.paymentMonth));
    const netCents = sum.netCents - (touched?.netCents ?? 0);
    const paymentCount = sum.paymentCount - (touched?.paymentCount ?? 0);
    if (paymentCount === 0 && netCents === 0) continue;
    addToCell(sum.companyId, before, sum.paymentMonth, -netCents, -paymentCount);
    addToCell(sum.companyId, after, sum.paymentMonth, netCents, paymentCount);
  }

  const counts = new Map<string, CountDelta>();
  const addToCount = (companyId: string, cohortMonth: MonthIndex, change: number): void => {
    const countKey = key(companyId, cohortMonth);
    const count = counts.get(countKey);
    if (count) count.customerCount += change;
    else counts.set(countKey, { companyId, cohortMonth, customerCount: change });
  };
  for (const c of input.cohorts) {
    if (c.before === c.after) continue;
    if (c.before !== null) addToCount(c.companyId, c.before, -1);
    if (c.after !== null) addToCount(c.companyId, c.after, 1);
  }

  const changedCells = [...cells.values()].filter((c) => c.netCents !== 0 || c.paymentCount !== 0);
  const changedCounts = [...counts.values()].filter((c) => c.customerCount !== 0);
  const dirty = new Map<string, Set<MonthIndex>>();
  for (const { companyId, cohortMonth } of [...changedCells, ...changedCounts]) {
    const months = dirty.get(companyId);
    if (months) months.add(cohortMonth);
    else dirty.set(companyId, new Set([cohortMonth]));
  }
  return { cells: changedCells, counts: changedCounts, dirty };
}
