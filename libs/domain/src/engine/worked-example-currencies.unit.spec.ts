import { Dec } from '../shared/money';
import { buildCohortTotals } from './cohort-totals';
import { owedDocument } from './company-rollup';
import { computeCompanyCashflows } from './company-cashflows';
import { cashflowDocument } from './report-document';
import { type CashflowView, type CompanyTerms } from './terms';
import { minorUnits, month, workedExampleIn } from './testing';

/**
 * DOMAIN.md's worked example in currencies with 0 and 3 decimals: the same face amounts, kept
 * in each currency's minor unit (a yen, a fils), compute the same numbers, each written with
 * the currency's decimals; a share that falls between minor units rounds to that currency's.
 */
function workedExample(currency: string) {
  const { payments, terms } = workedExampleIn(currency);
  const document = (view: CashflowView) =>
    cashflowDocument(computeCompanyCashflows(buildCohortTotals(payments), terms, view), currency);
  return { document };
}

const best: CashflowView = {
  kind: 'predicted',
  horizon: 36,
  assumptions: { m0: new Dec('0.4'), churn: new Dec('0.1') },
};

describe.each([
  {
    currency: 'JPY',
    collections: ['160', '420', '80', '250'],
    owed: '420',
    januaryPredicted: ['90', '81', '73'],
    aprilPredicted: ['450', '405'],
  },
  {
    currency: 'KWD',
    collections: ['160.000', '420.000', '80.000', '250.000'],
    owed: '420.000',
    januaryPredicted: ['90.000', '81.000', '72.900'],
    aprilPredicted: ['450.000', '405.000'],
  },
  {
    currency: 'USD',
    collections: ['160.00', '420.00', '80.00', '250.00'],
    owed: '420.00',
    januaryPredicted: ['90.00', '81.00', '72.90'],
    aprilPredicted: ['450.00', '405.00'],
  },
])('DOMAIN.md worked example in $currency', (expected) => {
  const { document } = workedExample(expected.currency);

  it('collects 160, 420, 80, 250 by month (the failed period at 100%, the cap at 400)', () => {
    const actual = document({ kind: 'actual' });
    expect(actual.currency).toBe(expected.currency);
    expect(actual.monthly_collections).toEqual(
      ['2020-01-01', '2020-02-01', '2020-03-01', '2020-04-01'].map((m, i) => ({
        month: m,
        amount: expected.collections[i],
      })),
    );
    expect(owedDocument(actual, month('2020-02'))).toEqual({
      month: '2020-02-01',
      currency: expected.currency,
      owed: expected.owed,
    });
    expect(actual.breaches.map((b) => [b.cohort_month, b.period, b.ratio])).toEqual([
      ['2020-01-01', 1, '0.100000'],
    ]);
  });

  it('predicts with BEST (m0 0.4, churn 0.1), each amount at the minor unit', () => {
    const predicted = document(best);
    const cohort = (m: string) => predicted.cohorts.find((c) => c.cohort_month === m)!;
    expect(
      cohort('2020-01-01')
        .periods.slice(2, 5)
        .map((p) => p.payment),
    ).toEqual(expected.januaryPredicted);
    expect(
      cohort('2020-04-01')
        .periods.slice(1, 3)
        .map((p) => p.payment),
    ).toEqual(expected.aprilPredicted);
  });
});

describe('round_cents is half-up to the currency’s minor unit', () => {
  const collected = (currency: string, amount: string) => {
    const payments = [
      { customerId: 'c', paymentDate: '2024-01-10', netCents: minorUnits(amount, currency) },
    ];
    const terms: CompanyTerms = {
      spends: [],
      trades: [
        {
          cohortMonth: month('2024-01'),
          sharingPercentage: new Dec('0.8'),
          cashCapCents: minorUnits('100000', currency),
        },
      ],
      thresholds: [],
      overrides: [],
    };
    const report = computeCompanyCashflows(buildCohortTotals(payments), terms, { kind: 'actual' });
    return cashflowDocument(report, currency).cohorts[0]!.periods[0]!.collected;
  };

  it('0.8 × 333 is 266 yen, 266.40 dollars, 0.266 dinars of 0.333', () => {
    expect(collected('JPY', '333')).toBe('266');
    expect(collected('USD', '333')).toBe('266.40');
    expect(collected('KWD', '0.333')).toBe('0.266');
    // 0.8 × 0.337 = 0.2696 → 0.270 (half-up at the fils)
    expect(collected('KWD', '0.337')).toBe('0.270');
  });
});
