import { thrownBy } from './decider-specification';
import { ConflictError, NotFoundError, RuleViolationError, ValidationError } from './errors';
import { EventSchemaError } from './schema';
import {
  calendarDate,
  entityId,
  money,
  month,
  oneOf,
  optional,
  period,
  churn,
  m0,
  minimumPaymentPercent,
  sharingPercentage,
  storedCents,
  storedMonth,
  storedRatio,
  text,
  validateFields,
} from './wire';

describe('validateFields', () => {
  it('returns the parsed values when every field is valid', () => {
    expect(
      validateFields({ cash_cap: money('500', 'positive', 2), name: text(' Acme ', 10) }),
    ).toEqual({ cash_cap: 50000, name: 'Acme' });
  });

  it('reports every bad field by name, not just the first', () => {
    const error = thrownBy(() =>
      validateFields({
        cohort_month: month('2020-13'),
        cash_cap: money('0', 'positive', 2),
        name: text('ok', 10),
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([
      { field: 'cohort_month', reason: "'2020-13' is not a month (YYYY-MM or YYYY-MM-01)" },
      { field: 'cash_cap', reason: 'must be greater than 0' },
    ]);
    expect((error as ValidationError).message).toBe(
      "cohort_month: '2020-13' is not a month (YYYY-MM or YYYY-MM-01); cash_cap: must be greater than 0",
    );
  });
});

describe('field parsers', () => {
  it('money: cents from up to 2 decimals; refuses negatives, 3 decimals, junk, unsafe sizes', () => {
    expect(money('12.5', 'non-negative', 2)).toEqual({ ok: true, value: 1250 });
    expect(money('0', 'non-negative', 2)).toEqual({ ok: true, value: 0 });
    expect(money('0', 'positive', 2)).toEqual({ ok: false, reason: 'must be greater than 0' });
    expect(money('-1', 'non-negative', 2)).toEqual({ ok: false, reason: 'must not be negative' });
    expect(money('1.005', 'non-negative', 2)).toEqual({
      ok: false,
      reason: 'must have at most 2 decimals',
    });
    expect(money('1e3', 'non-negative', 2).ok).toBe(false);
    expect(money(12.5, 'non-negative', 2).ok).toBe(false);
    expect(money('999999999999999.99', 'non-negative', 2)).toEqual({
      ok: false,
      reason: 'is too large',
    });
    // 13 integer digits at most: every amount's cents stay exact in a JS number.
    expect(money('99999999999999.99', 'non-negative', 2)).toEqual({
      ok: false,
      reason: 'is too large',
    });
    expect(money('9999999999999.99', 'non-negative', 2)).toEqual({
      ok: true,
      value: 999999999999999,
    });
  });

  it("money: at most the currency's decimals, in its minor units (JPY 0, KWD 3)", () => {
    expect(money('1200', 'non-negative', 0)).toEqual({ ok: true, value: 1200 });
    expect(money('1200.5', 'non-negative', 0)).toEqual({
      ok: false,
      reason: 'must be a whole amount',
    });
    expect(money('12.345', 'non-negative', 3)).toEqual({ ok: true, value: 12345 });
    expect(money('12.3', 'non-negative', 3)).toEqual({ ok: true, value: 12300 });
    expect(money('12.3456', 'non-negative', 3)).toEqual({
      ok: false,
      reason: 'must have at most 3 decimals',
    });
    // 15 digits of minor units at most, whatever the exponent.
    expect(money('999999999999999', 'non-negative', 0)).toEqual({
      ok: true,
      value: 999999999999999,
    });
    expect(money('1000000000000000', 'non-negative', 0)).toEqual({
      ok: false,
      reason: 'is too large',
    });
    expect(money('999999999999.999', 'non-negative', 3)).toEqual({
      ok: true,
      value: 999999999999999,
    });
    expect(money('1000000000000.000', 'non-negative', 3)).toEqual({
      ok: false,
      reason: 'is too large',
    });
  });

  it('month: YYYY-MM-01, YYYY-MM, or any real date of the month', () => {
    const jan2020 = 2020 * 12;
    expect(month('2020-01-01')).toEqual({ ok: true, value: jan2020 });
    expect(month('2020-01')).toEqual({ ok: true, value: jan2020 });
    expect(month('2020-01-31')).toEqual({ ok: true, value: jan2020 });
    for (const bad of ['2020-02-30', '2020-13-01', '20-01', '', 202001]) {
      expect(month(bad).ok).toBe(false);
    }
  });

  it('calendarDate: only real dates', () => {
    expect(calendarDate('2020-02-29')).toEqual({ ok: true, value: '2020-02-29' });
    expect(calendarDate('2021-02-29').ok).toBe(false);
    expect(calendarDate('2021-2-1').ok).toBe(false);
  });

  it('ratios: bounds inclusive or exclusive, no negatives, text only', () => {
    expect(sharingPercentage('1').ok).toBe(true);
    expect(sharingPercentage('0.0001').ok).toBe(true);
    expect(sharingPercentage('0')).toEqual({
      ok: false,
      reason: 'must be greater than 0 and at most 1',
    });
    expect(sharingPercentage('1.01').ok).toBe(false);
    expect(minimumPaymentPercent('0').ok).toBe(true);
    expect(minimumPaymentPercent('1').ok).toBe(true);
    expect(churn('-0.1').ok).toBe(false);
    expect(m0('2.5').ok).toBe(true);
    expect(m0('-0.1')).toEqual({ ok: false, reason: 'must not be negative' });
    expect(m0('abc').ok).toBe(false);
    expect(m0(0.5)).toEqual({ ok: false, reason: 'must be a string' });
    expect(m0(undefined)).toEqual({ ok: false, reason: 'is required' });
  });

  it('period: a whole number ≥ 0, as a number', () => {
    expect(period(0)).toEqual({ ok: true, value: 0 });
    expect(period(36)).toEqual({ ok: true, value: 36 });
    for (const bad of [-1, 1.5, '1', Number.NaN, Infinity, undefined]) {
      expect(period(bad).ok).toBe(false);
    }
  });

  it('text: trimmed, non-empty, bounded', () => {
    expect(text('  hi ', 2)).toEqual({ ok: true, value: 'hi' });
    expect(text('   ', 2)).toEqual({ ok: false, reason: 'is required' });
    expect(text(42, 2)).toEqual({ ok: false, reason: 'must be a string' });
    expect(text('abc', 2)).toEqual({ ok: false, reason: 'must be at most 2 characters' });
    expect(text(undefined, 2).ok).toBe(false);
  });

  it('entityId, oneOf and optional', () => {
    expect(entityId('p-1').ok).toBe(true);
    expect(entityId(' p-1').ok).toBe(false);
    expect(oneOf('BEST', ['WORST', 'BEST'])).toEqual({ ok: true, value: 'BEST' });
    expect(oneOf('best', ['WORST', 'BEST'])).toEqual({
      ok: false,
      reason: 'must be one of WORST, BEST',
    });
    expect(optional(undefined, entityId)).toEqual({ ok: true, value: undefined });
    expect(optional('bad id', entityId).ok).toBe(false);
  });
});

describe('stored values', () => {
  it('read canonical stored forms back and call anything else a corrupt log', () => {
    expect(storedCents('1234.50')).toBe(123450);
    expect(storedMonth('2020-01-01')).toBe(2020 * 12);
    expect(storedRatio('0.8').toString()).toBe('0.8');
    expect(() => storedCents('x')).toThrow(EventSchemaError);
    expect(() => storedMonth('2020-13-01')).toThrow(EventSchemaError);
    expect(() => storedRatio('8e-1')).toThrow(EventSchemaError);
  });
});

describe('domain errors', () => {
  it('carry the kind the HTTP layer maps, and say what is missing or clashing', () => {
    const notFound = new NotFoundError('trade', { cohort_month: '2020-01-01' });
    expect(notFound.kind).toBe('not_found');
    expect(notFound.message).toBe('trade (cohort_month 2020-01-01) not found');
    expect(new NotFoundError('company').message).toBe('company not found');
    expect(new ConflictError('company', {}, 'is already registered').kind).toBe('conflict');
    const rule = new RuleViolationError('refund_exceeds_payment', 'too much');
    expect([rule.kind, rule.rule, rule.name]).toEqual([
      'rule_violation',
      'refund_exceeds_payment',
      'RuleViolationError',
    ]);
    expect(ValidationError.of('name', 'must not be empty').kind).toBe('validation');
  });
});
