import { currencyExponent, dateInZone, dateOfPaymentInput, isCurrency, isTimeZone } from './locale';

describe('currencies and time zones', () => {
  it('knows ISO 4217 codes in upper case only, and their minor units', () => {
    expect(['USD', 'EUR', 'JPY', 'KWD'].map(isCurrency)).toEqual([true, true, true, true]);
    expect(['usd', 'US', 'XYZ', ''].map(isCurrency)).toEqual([false, false, false, false]);
    expect(['JPY', 'USD', 'EUR', 'KWD', 'BHD'].map(currencyExponent)).toEqual([0, 2, 2, 3, 3]);
  });

  it('knows IANA zone names, links included', () => {
    expect(
      ['UTC', 'Europe/Berlin', 'America/Los_Angeles', 'Asia/Calcutta'].map(isTimeZone),
    ).toEqual([true, true, true, true]);
    expect(['Mars/Olympus', 'berlin', ''].map(isTimeZone)).toEqual([false, false, false]);
  });

  it('dates an instant in the zone: 2024-01-31T23:30Z is January in Los Angeles, February in Berlin', () => {
    const instant = new Date('2024-01-31T23:30:00Z');
    expect(dateInZone(instant, 'America/Los_Angeles')).toBe('2024-01-31');
    expect(dateInZone(instant, 'UTC')).toBe('2024-01-31');
    expect(dateInZone(instant, 'Europe/Berlin')).toBe('2024-02-01');
    expect(dateInZone(new Date('2024-12-31T15:00:00Z'), 'Asia/Tokyo')).toBe('2025-01-01');
  });

  it('takes a payment date as written, and a timestamp as its date in the zone', () => {
    expect(dateOfPaymentInput('2024-01-31', 'Europe/Berlin')).toBe('2024-01-31');
    expect(dateOfPaymentInput('2024-01-31T23:30:00Z', 'Europe/Berlin')).toBe('2024-02-01');
    expect(dateOfPaymentInput('2024-01-31T23:30:00.123Z', 'America/Los_Angeles')).toBe(
      '2024-01-31',
    );
    expect(dateOfPaymentInput('2024-02-01T00:30:00+01:00', 'UTC')).toBe('2024-01-31');
    // No offset: not an instant; left for the date rule to refuse.
    expect(dateOfPaymentInput('2024-01-31T23:30:00', 'UTC')).toBe('2024-01-31T23:30:00');
    expect(dateOfPaymentInput('2024-02-30T10:00:00Z', 'UTC')).toBe('2024-02-30T10:00:00Z');
  });
});
