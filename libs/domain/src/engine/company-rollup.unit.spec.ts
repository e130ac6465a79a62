import fc from 'fast-check';
import { Dec, formatCentsDecimal } from '../shared/money';
import { formatMonth } from '../shared/month';
import { computeCohort } from './cohort-cashflows';
import { buildCohortTotals } from './cohort-totals';
import {
  computeCompanyCashflows,
  owedForMonth,
  shownCohortMonths,
  TermsIndex,
} from './company-cashflows';
import { cohortEntry, owedDocument, rollUpCohortEntries } from './company-rollup';
import { type CashflowDocument, cashflowDocument } from './report-document';
import { type CashflowView, type CompanyTerms } from './terms';
import { month, workedDocument } from './testing';

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
const totalsOf = (
  raw: readonly { customer: number; month: number; day: number; cents: number }[],
) =>
  buildCohortTotals(
    raw.map((p) => ({
      customerId: `c${p.customer}`,
      paymentDate: `${formatMonth(p.month).slice(0, 8)}${String(p.day).padStart(2, '0')}`,
      netCents: p.cents,
    })),
  );

describe('rollUpCohortEntries', () => {
  it('given per-cohort entries in any order, then it equals the engine document of the company', () => {
    fc.assert(
      fc.property(paymentsArb, termsArb, viewArb, fc.boolean(), (raw, terms, view, reverse) => {
        const totals = totalsOf(raw);
        const index = new TermsIndex(terms);
        const months = shownCohortMonths(terms, totals.keys());
        if (reverse) months.reverse();
        const entries = months.map((m) =>
          cohortEntry(computeCohort(totals.get(m), m, index.forCohort(m), view), 'USD'),
        );
        const expected = cashflowDocument(computeCompanyCashflows(totals, terms, view), 'USD');
        expect(rollUpCohortEntries(view.kind, entries, 'USD')).toEqual(expected);
      }),
      { numRuns: 80 },
    );
  });

  it('given no cohorts, then the document is empty', () => {
    expect(rollUpCohortEntries('actual', [], 'USD')).toEqual({
      view: 'actual',
      currency: 'USD',
      cohorts: [],
      monthly_collections: [],
      breaches: [],
    });
  });
});

describe('owedDocument', () => {
  const document = {
    currency: 'USD',
    monthly_collections: [{ month: '2020-02-01', amount: '420.00' }],
  } as unknown as CashflowDocument;

  it('given a month with collections, then owed is the month’s collections; given none, 0.00', () => {
    expect(owedDocument(document, 2020 * 12 + 1)).toEqual({
      month: '2020-02-01',
      currency: 'USD',
      owed: '420.00',
    });
    expect(owedDocument(document, 2020 * 12 + 2)).toEqual({
      month: '2020-03-01',
      currency: 'USD',
      owed: '0.00',
    });
  });

  it('given the worked example, then owed for 2020-02 is 420 (DOMAIN.md)', () => {
    expect(owedDocument(workedDocument(), month('2020-02'))).toEqual({
      month: '2020-02-01',
      currency: 'USD',
      owed: '420.00',
    });
  });

  it('given any portfolio, then the document’s owed is the report’s owed for every month', () => {
    fc.assert(
      fc.property(paymentsArb, termsArb, viewArb, (raw, terms, view) => {
        const report = computeCompanyCashflows(totalsOf(raw), terms, view);
        const document = cashflowDocument(report, 'USD');
        for (let m = FIRST - 1; m <= FIRST + 18 + 36; m++) {
          expect(owedDocument(document, m).owed).toBe(
            formatCentsDecimal(owedForMonth(report, m), 2),
          );
        }
      }),
      { numRuns: 40 },
    );
  });

  it('given a month that is not YYYY-MM-01, then it refuses the document', () => {
    const bad = { currency: 'USD', monthly_collections: [{ month: 'Feb 2020', amount: '1.00' }] };
    expect(() => owedDocument(bad, 2020 * 12)).toThrow(RangeError);
  });
});
