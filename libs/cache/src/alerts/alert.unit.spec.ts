import { workedDocument } from '../testing/worked-example';
import { alertConditions, alertContent, type BreachAlert, parseAlert } from './alert';
import { compareAlertLogIds, parseAlertLogId } from './alert-log-id';

describe('alertConditions (DOMAIN.md worked example)', () => {
  const meta = { position: '12:34', detectedAt: '2020-05-01T00:00:00.000Z' };

  it('given one failed actual period and one capped cohort, then one alert each, with stable ids', () => {
    expect(alertConditions('acme', workedDocument(), meta)).toEqual([
      {
        alert_id: 'breach:acme:2020-01-01:1',
        type: 'ThresholdBreached',
        change: 'raised',
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
        change: 'raised',
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

describe('alertContent', () => {
  const [breach] = alertConditions('acme', workedDocument(), {
    position: '1:1',
    detectedAt: '2020-05-01T00:00:00.000Z',
  }) as [BreachAlert];

  it('differs when the ratio or minimum does, not when only the moment of detection does', () => {
    expect(alertContent({ ...breach, position: '9:9', detected_at: 'later' })).toBe(
      alertContent(breach),
    );
    expect(alertContent({ ...breach, ratio: '0.150000' })).not.toBe(alertContent(breach));
    expect(alertContent({ ...breach, minimum: '0.3' })).not.toBe(alertContent(breach));
    expect(alertContent(breach)).not.toBe('');
  });
});

describe('parseAlert', () => {
  const alert = { alert_id: 'breach:a:2020-01-01:1', type: 'ThresholdBreached', company_id: 'a' };

  it('takes an alert, with or without a log id, and nothing else', () => {
    expect(parseAlert(JSON.stringify(alert))).toEqual(alert);
    expect(parseAlert(JSON.stringify({ ...alert, log_id: '12-0' }))?.log_id).toBe('12-0');
    expect(parseAlert(JSON.stringify({ ...alert, log_id: 'x' }))).toBeNull();
    expect(parseAlert(JSON.stringify({ ...alert, type: 'Other' }))).toBeNull();
    expect(parseAlert('not json')).toBeNull();
  });
});

describe('alert log ids', () => {
  it('order as numbers, milliseconds then sequence, not as text', () => {
    expect(compareAlertLogIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareAlertLogIds('10-2', '10-10')).toBeLessThan(0);
    expect(compareAlertLogIds('10-2', '10-2')).toBe(0);
    expect(compareAlertLogIds('18446744073709551615-0', '18446744073709551614-9')).toBeGreaterThan(
      0,
    );
    expect([parseAlertLogId('01-02'), parseAlertLogId('1'), parseAlertLogId('a-1')]).toEqual([
      '1-2',
      null,
      null,
    ]);
  });
});
