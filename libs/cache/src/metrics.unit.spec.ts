import { companyMetrics as domainMetrics, parseMonth } from '@cvf/domain';
import { companyMetrics, metricsAsOf, monthOf } from './metrics';
import { BEST, workedDocument } from './testing/worked-example';

const month = (text: string) => parseMonth(text)!;

// The metrics themselves are specified in libs/domain (engine/company-metrics.unit.spec.ts);
// here, the cache's view keys reach the domain's scenarios.
describe('companyMetrics over the cache’s views', () => {
  const actual = workedDocument();

  it('given rollups keyed predicted:<scenario>, then they are that scenario’s views', () => {
    const metrics = companyMetrics(
      actual,
      new Map([
        ['predicted:BEST', workedDocument(BEST)],
        ['actual', actual],
      ]),
      month('2020-02'),
    );
    expect(metrics.ltv_scenario).toBe('BEST');
    expect(Number(metrics.ltv_estimate)).toBeGreaterThan(500);
    expect(metrics).toEqual(
      domainMetrics(actual, new Map([['BEST', workedDocument(BEST)]]), month('2020-02')),
    );
  });

  it('given no predicted views, then the metrics are the actual view’s', () => {
    expect(companyMetrics(actual, new Map(), month('2020-02'))).toEqual(
      domainMetrics(actual, new Map(), month('2020-02')),
    );
  });

  it('keeps the cache’s names for re-basing and the clock’s month', () => {
    const metrics = companyMetrics(actual, new Map(), month('2020-02'));
    expect(metricsAsOf(metrics, month('2020-04')).owed_this_month).toBe('250.00');
    expect(monthOf(new Date('2020-02-29T23:59:59Z'))).toBe(month('2020-02'));
  });
});
