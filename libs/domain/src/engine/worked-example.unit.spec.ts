import { Dec, parseMonth } from '../shared';
import { buildCohortTotals, cashflowDocument, computeCompanyCashflows, owedForMonth } from '.';
import { workedPayments, workedTerms } from './testing';

// The worked example of shared/DOMAIN.md (its inputs: testing.ts), pinned to the cent.
const month = (text: string) => parseMonth(text)!;
const terms = workedTerms;

describe('DOMAIN.md worked example', () => {
  const totals = buildCohortTotals(workedPayments);
  const actual = cashflowDocument(
    computeCompanyCashflows(totals, terms, { kind: 'actual' }),
    'USD',
  );
  const cohort = (m: string) => actual.cohorts.find((c) => c.cohort_month === `${m}-01`)!;

  it('builds the cohort table', () => {
    const table = actual.cohorts.map((c) => [c.cohort_month, c.periods.map((p) => p.payment)]);
    expect(table).toEqual([
      ['2020-01-01', ['200.00', '100.00']],
      ['2020-02-01', ['400.00', '300.00']],
      ['2020-04-01', ['500.00']],
    ]);
  });

  it('collects at the sharing percentage, flips to 100% on a failed threshold, stops at the cap', () => {
    expect(
      cohort('2020-01').periods.map((p) => [p.collected, p.threshold_failed, p.share_applied]),
    ).toEqual([
      ['160.00', false, '0.8'],
      ['100.00', true, '1'],
    ]);
    expect(cohort('2020-02').periods.map((p) => p.collected)).toEqual(['320.00', '80.00']);
    expect(cohort('2020-02').capped).toBe(true);
    expect(cohort('2020-01').capped).toBe(false);
    expect(cohort('2020-04').periods.map((p) => p.collected)).toEqual(['250.00']);
  });

  it('sums collections by calendar month: owed for 2020-02 is 420', () => {
    expect(actual.monthly_collections).toEqual([
      { month: '2020-01-01', amount: '160.00' },
      { month: '2020-02-01', amount: '420.00' },
      { month: '2020-03-01', amount: '80.00' },
      { month: '2020-04-01', amount: '250.00' },
    ]);
    const report = computeCompanyCashflows(totals, terms, { kind: 'actual' });
    expect(owedForMonth(report, month('2020-02')).div(100).toFixed(2)).toBe('420.00');
    expect(owedForMonth(report, month('2021-01')).toFixed(2)).toBe('0.00');
  });

  it('reports the breach of cohort 2020-01 in period 1', () => {
    expect(actual.breaches).toEqual([
      {
        cohort_month: '2020-01-01',
        period: 1,
        month: '2020-02-01',
        ratio: '0.100000',
        minimum: '0.25',
      },
    ]);
  });

  it('predicts with scenario BEST (m0 0.4, churn 0.1) from the last actual period', () => {
    const view = {
      kind: 'predicted' as const,
      horizon: 36,
      assumptions: { m0: new Dec('0.4'), churn: new Dec('0.1') },
    };
    const predicted = cashflowDocument(computeCompanyCashflows(totals, terms, view), 'USD');
    const jan = predicted.cohorts.find((c) => c.cohort_month === '2020-01-01')!;
    const apr = predicted.cohorts.find((c) => c.cohort_month === '2020-04-01')!;
    expect(jan.periods).toHaveLength(36);
    expect(jan.periods.slice(0, 5).map((p) => [p.payment, p.predicted])).toEqual([
      ['200.00', false],
      ['100.00', false],
      ['90.00', true],
      ['81.00', true],
      ['72.90', true],
    ]);
    expect(apr.periods.slice(0, 3).map((p) => p.payment)).toEqual(['500.00', '450.00', '405.00']);
  });
});
