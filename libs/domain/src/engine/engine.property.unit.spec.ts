import fc from 'fast-check';
import { Dec } from '../shared/money';
import { formatMonth } from '../shared/month';
import { buildCohortTotals, type NetPayment } from './cohort-totals';
import { computeCompanyCashflows } from './company-cashflows';
import { cashflowDocument, type CohortDocument } from './report-document';
import { type CashflowView, type CompanyTerms } from './terms';

// Invariants of DOMAIN.md over random portfolios: 24 cohort months, a few customers each.
const FIRST = 2020 * 12;
const monthArb = fc.integer({ min: FIRST, max: FIRST + 23 });
const dayArb = fc.integer({ min: 1, max: 28 });
const dateOf = (m: number, day: number) =>
  `${formatMonth(m).slice(0, 8)}${String(day).padStart(2, '0')}`;

const paymentArb = fc.record({
  customer: fc.integer({ min: 1, max: 12 }),
  month: monthArb,
  day: dayArb,
  cents: fc.integer({ min: 0, max: 500_000 }),
});
const ratioArb = (min: number) => fc.integer({ min, max: 100 }).map((n) => new Dec(n).div(100));

const termsArb: fc.Arbitrary<CompanyTerms> = fc.record({
  spends: fc.uniqueArray(
    fc.record({
      cohortMonth: monthArb,
      plannedCents: fc.integer({ min: 0, max: 2_000_000 }),
      actualCents: fc.option(fc.integer({ min: 0, max: 2_000_000 })),
    }),
    { selector: (s) => s.cohortMonth, maxLength: 24 },
  ),
  trades: fc.uniqueArray(
    fc.record({
      cohortMonth: monthArb,
      sharingPercentage: ratioArb(1),
      cashCapCents: fc.integer({ min: 1, max: 3_000_000 }),
    }),
    {
      selector: (t) => t.cohortMonth,
      maxLength: 24,
    },
  ),
  thresholds: fc.uniqueArray(
    fc.record({
      paymentPeriod: fc.integer({ min: 0, max: 6 }),
      minimumPaymentPercent: ratioArb(0),
    }),
    {
      selector: (t) => t.paymentPeriod,
      maxLength: 4,
    },
  ),
  overrides: fc.array(
    fc.record({
      cohortMonth: monthArb,
      paymentPeriod: fc.integer({ min: 0, max: 6 }),
      reason: fc.constant('waived'),
    }),
    { maxLength: 4 },
  ),
});
const viewArb: fc.Arbitrary<CashflowView> = fc.oneof(
  fc.constant<CashflowView>({ kind: 'actual' }),
  fc
    .record({ m0: ratioArb(0), churn: ratioArb(0), horizon: fc.integer({ min: 1, max: 40 }) })
    .map(({ m0, churn, horizon }): CashflowView => ({
      kind: 'predicted',
      assumptions: { m0, churn },
      horizon,
    })),
);

type RawPayment = { customer: number; month: number; day: number; cents: number };
const toNet = (payments: readonly RawPayment[]): NetPayment[] =>
  payments.map((p) => ({
    customerId: `c${p.customer}`,
    paymentDate: dateOf(p.month, p.day),
    netCents: p.cents,
  }));
const run = (payments: readonly RawPayment[], terms: CompanyTerms, view: CashflowView) =>
  cashflowDocument(computeCompanyCashflows(buildCohortTotals(toNet(payments)), terms, view), 'USD');
const cents = (text: string) => new Dec(text).mul(100);

describe('engine invariants (property-based)', () => {
  const portfolio = fc.tuple(fc.array(paymentArb, { maxLength: 40 }), termsArb, viewArb);

  it('collected is never negative, never exceeds the cap, and nothing is collected after the cohort is capped', () => {
    fc.assert(
      fc.property(portfolio, ([payments, terms, view]) => {
        for (const cohort of run(payments, terms, view).cohorts.filter((c) => c.funded)) {
          const cap = cents(cohort.cash_cap!);
          let cumulative = new Dec(0);
          let capped = false;
          for (const period of cohort.periods) {
            const collected = cents(period.collected!);
            expect(collected.isNegative()).toBe(false);
            if (capped) expect(collected.isZero()).toBe(true);
            cumulative = cumulative.add(collected);
            expect(cumulative.lte(cap)).toBe(true);
            expect(cents(period.cumulative_collected!).eq(cumulative)).toBe(true);
            capped = cumulative.eq(cap);
          }
          expect(cohort.capped).toBe(capped);
        }
      }),
    );
  });

  it("a cohort's results never depend on another cohort's data", () => {
    fc.assert(
      fc.property(
        portfolio,
        fc.array(paymentArb, { maxLength: 20 }),
        ([payments, terms, view], others) => {
          // Other customers (ids ≥ 100) only add cohorts; they never touch the existing customers.
          const extra = others.map((p) => ({ ...p, customer: p.customer + 100 }));
          const alone = run(payments, terms, view);
          const together = new Map(
            run([...payments, ...extra], terms, view).cohorts.map((c) => [c.cohort_month, c]),
          );
          const byMonth = (c: CohortDocument) => together.get(c.cohort_month)!;
          for (const cohort of alone.cohorts) {
            const other = byMonth(cohort);
            if (other.customer_count !== cohort.customer_count) continue; // the extra data added customers here
            expect(other).toEqual(cohort);
          }
        },
      ),
    );
  });

  it('moving a payment within its month changes nothing', () => {
    fc.assert(
      fc.property(portfolio, fc.nat(), dayArb, ([payments, terms, view], pick, day) => {
        fc.pre(payments.length > 0);
        const moved = payments.map((p, i) => (i === pick % payments.length ? { ...p, day } : p));
        expect(run(moved, terms, view)).toEqual(run(payments, terms, view));
      }),
    );
  });

  it('results are independent of input row order', () => {
    fc.assert(
      fc.property(portfolio, fc.func(fc.integer()), ([payments, terms, view], key) => {
        const shuffle = <T>(list: readonly T[]) =>
          list
            .map((value, i) => ({ value, k: key(i) }))
            .sort((a, b) => a.k - b.k)
            .map((e) => e.value);
        const reordered: CompanyTerms = {
          spends: shuffle(terms.spends),
          trades: shuffle(terms.trades),
          thresholds: shuffle(terms.thresholds),
          overrides: shuffle(terms.overrides),
        };
        expect(run(shuffle(payments), reordered, view)).toEqual(run(payments, terms, view));
      }),
    );
  });

  it('owed for a month equals the sum of what every funded cohort collects in that month', () => {
    fc.assert(
      fc.property(portfolio, ([payments, terms, view]) => {
        const document = run(payments, terms, view);
        for (const { month, amount } of document.monthly_collections) {
          const sum = document.cohorts
            .flatMap((c) => c.periods)
            .filter((p) => p.month === month && p.collected !== null)
            .reduce((acc, p) => acc.add(p.collected!), new Dec(0));
          expect(sum.toFixed(2)).toBe(amount);
        }
      }),
    );
  });
});
