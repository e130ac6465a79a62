import {
  buildCohortTotals,
  type CashflowView,
  cashflowDocument,
  type CompanyTerms,
  computeCohort,
  computeCompanyCashflows,
  Dec,
  formatMonth,
  TermsIndex,
} from '@cvf/domain';
import fc from 'fast-check';
import { cohortEntry, rollUpEntries, sumMoney } from './rollup';

// Random portfolios: 18 cohort months, a dozen customers, thresholds and overrides.
const FIRST = 2021 * 12;
const monthArb = fc.integer({ min: FIRST, max: FIRST + 17 });
const ratioArb = (min: number) => fc.integer({ min, max: 100 }).map((n) => new Dec(n).div(100));
const paymentsArb = fc.array(
  fc.record({
    customer: fc.integer({ min: 1, max: 12 }),
    month: monthArb,
    day: fc.integer({ min: 1, max: 28 }),
    cents: fc.integer({ min: 0, max: 300_000 }),
  }),
  { maxLength: 80 },
);
const termsArb: fc.Arbitrary<CompanyTerms> = fc.record({
  spends: fc.uniqueArray(
    fc.record({
      cohortMonth: monthArb,
      plannedCents: fc.integer({ min: 0, max: 1_000_000 }),
      actualCents: fc.option(fc.integer({ min: 0, max: 1_000_000 })),
    }),
    { selector: (s) => s.cohortMonth, maxLength: 18 },
  ),
  trades: fc.uniqueArray(
    fc.record({
      cohortMonth: monthArb,
      sharingPercentage: ratioArb(1),
      cashCapCents: fc.integer({ min: 1, max: 800_000 }),
    }),
    { selector: (t) => t.cohortMonth, maxLength: 18 },
  ),
  thresholds: fc.uniqueArray(
    fc.record({
      paymentPeriod: fc.integer({ min: 0, max: 5 }),
      minimumPaymentPercent: ratioArb(0),
    }),
    { selector: (t) => t.paymentPeriod, maxLength: 4 },
  ),
  overrides: fc.array(
    fc.record({
      cohortMonth: monthArb,
      paymentPeriod: fc.integer({ min: 0, max: 5 }),
      reason: fc.constant('waived'),
    }),
    { maxLength: 4 },
  ),
});
const viewArb: fc.Arbitrary<CashflowView> = fc.oneof(
  fc.constant<CashflowView>({ kind: 'actual' }),
  fc.record({ m0: ratioArb(0), churn: ratioArb(0) }).map(({ m0, churn }): CashflowView => ({
    kind: 'predicted',
    assumptions: { m0, churn },
    horizon: 36,
  })),
);

describe('rollUpEntries', () => {
  it('given per-cohort entries in any order, then it equals the engine document of the company', () => {
    fc.assert(
      fc.property(paymentsArb, termsArb, viewArb, fc.boolean(), (raw, terms, view, reverse) => {
        const totals = buildCohortTotals(
          raw.map((p) => ({
            customerId: `c${p.customer}`,
            paymentDate: `${formatMonth(p.month).slice(0, 8)}${String(p.day).padStart(2, '0')}`,
            netCents: p.cents,
          })),
        );
        const index = new TermsIndex(terms);
        const months = [...new Set([...totals.keys(), ...index.termMonths()])];
        if (reverse) months.reverse();
        const entries = months.map((m) =>
          cohortEntry(computeCohort(totals.get(m), m, index.forCohort(m), view)),
        );
        const expected = cashflowDocument(computeCompanyCashflows(totals, terms, view));
        expect(rollUpEntries(view.kind, entries)).toEqual(expected);
      }),
      { numRuns: 80 },
    );
  });

  it('given no cohorts, then the document is empty', () => {
    expect(rollUpEntries('actual', [])).toEqual({
      view: 'actual',
      cohorts: [],
      monthly_collections: [],
      breaches: [],
    });
  });
});

describe('sumMoney', () => {
  it('sums decimal strings exactly where binary floats would not', () => {
    expect(sumMoney(['0.10', '0.20'])).toBe('0.30');
    expect(sumMoney(Array.from({ length: 1_000 }, () => '0.01'))).toBe('10.00');
    expect(sumMoney(['90071992547409.93', '0.01'])).toBe('90071992547409.94');
  });

  it('given nothing, then 0.00', () => {
    expect(sumMoney([])).toBe('0.00');
  });
});
