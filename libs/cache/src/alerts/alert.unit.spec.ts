import { workedDocument } from '../testing/worked-example';
import { alertConditions } from './alert';

describe('alertConditions (DOMAIN.md worked example)', () => {
  const meta = { position: '12:34', detectedAt: '2020-05-01T00:00:00.000Z' };

  it('given one failed actual period and one capped cohort, then one alert each, with stable ids', () => {
    expect(alertConditions('acme', workedDocument(), meta)).toEqual([
      {
        alert_id: 'breach:acme:2020-01-01:1',
        type: 'ThresholdBreached',
        company_id: 'acme',
        cohort_month: '2020-01-01',
        period: 1,
        month: '2020-02-01',
        ratio: '0.100000',
        minimum: '0.25',
        position: '12:34',
        detected_at: meta.detectedAt,
      },
      {
        alert_id: 'capped:acme:2020-02-01',
        type: 'CohortCapped',
        company_id: 'acme',
        cohort_month: '2020-02-01',
        period: 1,
        month: '2020-03-01',
        ratio: null,
        minimum: null,
        position: '12:34',
        detected_at: meta.detectedAt,
      },
    ]);
  });
});
