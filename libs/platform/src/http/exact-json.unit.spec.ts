import { depthOf, MAX_BODY_DEPTH } from './body-checks';
import { parseJsonBody, plainDecimalText } from './exact-json';

describe('JSON bodies: money and rates exactly as written', () => {
  it('given JSON numbers in money and rate fields, then each is its source text, not a float', () => {
    const body = parseJsonBody(
      '{"amount": 19.99, "cash_cap": 1500.0, "spend": 1000, "sharing_percentage": 0.50,' +
        ' "churn": 0.1, "m0": 0.4, "minimum_payment_percent": 1.0, "planned_spend": 0.30000000000000004}',
    );
    expect(body).toEqual({
      amount: '19.99',
      cash_cap: '1500.0',
      spend: '1000',
      sharing_percentage: '0.50',
      churn: '0.1',
      m0: '0.4',
      minimum_payment_percent: '1.0',
      planned_spend: '0.30000000000000004',
    });
  });

  it('given more digits than a float holds, then none is lost', () => {
    expect(parseJsonBody('{"amount": 12345678901234567.89}')).toEqual({
      amount: '12345678901234567.89',
    });
  });

  it('given numbers in other fields, then they stay numbers (integer fields keep working)', () => {
    expect(
      parseJsonBody('{"payment_period_month": 1, "horizon_months": 12, "id": 7, "x": 0.5}'),
    ).toEqual({ payment_period_month: 1, horizon_months: 12, id: 7, x: 0.5 });
  });

  it('given a decimal string, then it is left as sent', () => {
    expect(parseJsonBody('{"amount": " 19.990 "}')).toEqual({ amount: ' 19.990 ' });
  });

  it.each([
    ['1e-05', '0.00001'],
    ['1.5e2', '150'],
    ['1.50E1', '15.0'],
    ['12.34e-1', '1.234'],
    ['5e-1', '0.5'],
    ['0.5e1', '5'],
    ['-2e0', '-2'],
    ['1e400', '1e400'],
    ['19.99', '19.99'],
  ])('writes exponent notation %s out as %s, digit for digit', (source, plain) => {
    expect(plainDecimalText(source)).toBe(plain);
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['{"name":', /JSON/],
    ['{"name":"x","__proto__":{"a":1}}', /forbidden prototype/],
    ['{"constructor":{"prototype":{"a":1}}}', /forbidden prototype/],
  ])('refuses %j as a 400', (text, message) => {
    let thrown: unknown;
    try {
      parseJsonBody(text);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ statusCode: 400, message: expect.stringMatching(message) });
  });
});

describe('JSON bodies nested too deep for a reviver', () => {
  it('given 5,000 nested arrays, then it parses (for the depth check to refuse), never a stack overflow', () => {
    const deep = `{"amount": ${'['.repeat(5000)}1${']'.repeat(5000)}}`;
    expect(depthOf(parseJsonBody(deep), MAX_BODY_DEPTH)).toBeGreaterThan(MAX_BODY_DEPTH);
  });
});
