import { Dec, type PredictionAssumptions, type Scenario, ValidationError } from '@cvf/domain';
import { parsePredictionRequest, resolveAssumptions } from './prediction-request';

const issuesOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues.map((i) => i.field);
    throw error;
  }
  return [];
};

describe('POST /cashflows/predicted body', () => {
  it('takes decimal strings or numbers, and defaults the horizon to 36', () => {
    const request = parsePredictionRequest({ churn: 0.1, m0: '0.40' });
    expect([request.churn.toString(), request.m0?.toString(), request.horizon]).toEqual([
      '0.1',
      '0.4',
      36,
    ]);
    expect(parsePredictionRequest({ churn: '1', horizon_months: '600' }).horizon).toBe(600);
  });

  it.each([
    [{}, ['churn']],
    [{ churn: '-0.1' }, ['churn']],
    [{ churn: 1.01 }, ['churn']],
    [{ churn: Number.NaN }, ['churn']],
    [{ churn: '0.1', m0: -0.5 }, ['m0']],
    [{ churn: '0.1', m0: {} }, ['m0']],
    [{ churn: '0.1', scenario: 'best' }, ['scenario']],
    [{ churn: '0.1', horizon_months: 0 }, ['horizon_months']],
    [{ churn: '0.1', horizon_months: 2.5 }, ['horizon_months']],
    [{ churn: '0.1', horizon_months: 601 }, ['horizon_months']],
  ])('refuses %j naming %j', (body, fields) => {
    expect(issuesOf(() => parsePredictionRequest(body))).toEqual(fields);
  });

  describe('m0', () => {
    const known = new Map<Scenario, PredictionAssumptions>([
      ['AVERAGE', { m0: new Dec('0.3'), churn: new Dec('0.2') }],
      ['BEST', { m0: new Dec('0.4'), churn: new Dec('0.1') }],
    ]);
    const m0 = (body: object, assumptions = known) =>
      resolveAssumptions(parsePredictionRequest(body), assumptions).m0.toString();

    it('is as asked, else the scenario’s, else AVERAGE’s', () => {
      expect(m0({ churn: '0', m0: '0.9', scenario: 'BEST' })).toBe('0.9');
      expect(m0({ churn: '0', scenario: 'BEST' })).toBe('0.4');
      expect(m0({ churn: '0', scenario: 'WORST' })).toBe('0.3');
      expect(m0({ churn: '0' })).toBe('0.3');
    });

    it('is a 400 naming m0 when there is nowhere to take it from', () => {
      expect(issuesOf(() => m0({ churn: '0', scenario: 'WORST' }, new Map()))).toEqual(['m0']);
    });
  });
});
