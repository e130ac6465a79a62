import { companyMetrics, metricsAsOf, monthOfInstant, sumMoney } from './company-metrics';
import { month, WORKED_BEST, workedDocument } from './testing';

describe('companyMetrics (DOMAIN.md worked example)', () => {
  const actual = workedDocument();

  it('given the actual view, then owed, totals, MOIC, CAC and breaches follow the definitions', () => {
    const metrics = companyMetrics(actual, new Map(), month('2020-02'));
    expect(metrics).toEqual({
      as_of_month: '2020-02-01',
      currency: 'USD',
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
    const predicted = new Map([['BEST' as const, workedDocument(WORKED_BEST)]]);
    const metrics = companyMetrics(actual, predicted, month('2020-02'));
    expect(metrics.ltv_scenario).toBe('BEST');
    expect(Number(metrics.ltv_estimate)).toBeGreaterThan(500);
  });

  it('given several scenarios, then LTV prefers AVERAGE', () => {
    const predicted = new Map([
      ['BEST' as const, workedDocument(WORKED_BEST)],
      ['AVERAGE' as const, actual],
    ]);
    const metrics = companyMetrics(actual, predicted, month('2020-02'));
    expect(metrics.ltv_scenario).toBe('AVERAGE');
    expect(metrics.ltv_estimate).toBe('500.00');
  });

  it('given another month, then only owed_this_month moves (0.00 when nothing falls in it)', () => {
    const metrics = companyMetrics(actual, new Map(), month('2020-02'));
    expect(metricsAsOf(metrics, month('2020-04'))).toEqual({
      ...metrics,
      as_of_month: '2020-04-01',
      owed_this_month: '250.00',
    });
    expect(metricsAsOf(metrics, month('2031-01')).owed_this_month).toBe('0.00');
    expect(metricsAsOf(metrics, month('2020-02'))).toBe(metrics);
  });
});

describe('monthOfInstant', () => {
  it('takes the UTC month of the clock', () => {
    expect(monthOfInstant(new Date('2020-02-29T23:59:59Z'))).toBe(month('2020-02'));
    expect(monthOfInstant(new Date('2020-03-01T00:30:00+01:00'))).toBe(month('2020-02'));
  });
});

describe('sumMoney', () => {
  it('sums decimal strings exactly where binary floats would not', () => {
    expect(sumMoney(['0.10', '0.20'], 2)).toBe('0.30');
    expect(
      sumMoney(
        Array.from({ length: 1_000 }, () => '0.01'),
        2,
      ),
    ).toBe('10.00');
    expect(sumMoney(['90071992547409.93', '0.01'], 2)).toBe('90071992547409.94');
    expect(sumMoney(['1.005', '2'], 3)).toBe('3.005');
    expect(sumMoney(['1200', '3'], 0)).toBe('1203');
  });

  it('given nothing, then 0.00', () => {
    expect(sumMoney([], 2)).toBe('0.00');
    expect(sumMoney([], 0)).toBe('0');
  });
});
