import { parseMonth } from '@cvf/domain';
import { companyMetrics, metricsAsOf, monthOf } from './metrics';
import { BEST, workedDocument } from './testing/worked-example';

const month = (text: string) => parseMonth(text)!;

describe('companyMetrics (DOMAIN.md worked example)', () => {
  const actual = workedDocument();

  it('given the actual view, then owed, totals, MOIC, CAC and breaches follow the definitions', () => {
    const metrics = companyMetrics(actual, new Map(), month('2020-02'));
    expect(metrics).toEqual({
      as_of_month: '2020-02-01',
      owed_this_month: '420.00',
      owed_by_month: [
        { month: '2020-01-01', amount: '160.00' },
        { month: '2020-02-01', amount: '420.00' },
        { month: '2020-03-01', amount: '80.00' },
        { month: '2020-04-01', amount: '250.00' },
      ],
      breaches_count: 1,
      total_investment: '2100.00',
      total_collected: '910.00',
      moic_to_date: '0.433333',
      cac_estimate: '1000.00',
      ltv_estimate: '500.00',
      ltv_scenario: null,
      cohorts_count: 3,
      capped_cohorts_count: 1,
    });
  });

  it('given a predicted view, then LTV counts predicted payments over the horizon', () => {
    const predicted = new Map([['predicted:BEST', workedDocument(BEST)]]);
    const metrics = companyMetrics(actual, predicted, month('2020-02'));
    expect(metrics.ltv_scenario).toBe('BEST');
    expect(Number(metrics.ltv_estimate)).toBeGreaterThan(500);
  });

  it('given another month, then only owed_this_month moves (0.00 when nothing falls in it)', () => {
    const metrics = companyMetrics(actual, new Map(), month('2020-02'));
    expect(metricsAsOf(metrics, month('2020-04'))).toEqual({
      ...metrics,
      as_of_month: '2020-04-01',
      owed_this_month: '250.00',
    });
    expect(metricsAsOf(metrics, month('2031-01')).owed_this_month).toBe('0.00');
  });

  it('takes the UTC month of the clock', () => {
    expect(monthOf(new Date('2020-02-29T23:59:59Z'))).toBe(month('2020-02'));
  });
});
