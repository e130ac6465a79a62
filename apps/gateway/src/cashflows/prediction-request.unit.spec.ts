import { Dec, type PredictionAssumptions, type Scenario, ValidationError } from '@cvf/domain';
import { parseJsonBody } from '@cvf/platform';
import {
  parsePredictionRequest,
  PredictionRequestDto,
  resolveAssumptions,
} from './prediction-request';

/** A body as the HTTP layer hands it over: JSON numbers in rate fields are their exact text. */
const body = (json: string) => parseJsonBody(json) as PredictionRequestDto;

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
  it('takes decimal strings or JSON numbers as written, and defaults the horizon to 36', () => {
    const request = parsePredictionRequest(body('{"churn": 0.1, "m0": "0.40"}'));
    expect([request.churn.toString(), request.m0?.toString(), request.horizon]).toEqual([
      '0.1',
      '0.4',
      36,
    ]);
    expect(parsePredictionRequest(body('{"churn": 1e-1}')).churn.toString()).toBe('0.1');
    expect(parsePredictionRequest({ churn: '1', horizon_months: '600' }).horizon).toBe(600);
    expect(parsePredictionRequest(body('{"churn": 1, "horizon_months": 12}')).horizon).toBe(12);
  });

  it('never reads a rate through a float: a number that is not text by then is refused', () => {
    expect(issuesOf(() => parsePredictionRequest({ churn: 0.1 }))).toEqual(['churn']);
  });

  it.each([
    [{}, ['churn']],
    [{ churn: '-0.1' }, ['churn']],
    [{ churn: '1.01' }, ['churn']],
    [{ churn: true }, ['churn']],
    [{ churn: '0.1', m0: '-0.5' }, ['m0']],
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
    const m0 = (sent: object, assumptions = known) =>
      resolveAssumptions(parsePredictionRequest(sent), assumptions).m0?.toString() ?? null;

    it('is as asked, else the scenario’s, else AVERAGE’s', () => {
      expect(m0({ churn: '0', m0: '0.9', scenario: 'BEST' })).toBe('0.9');
      expect(m0({ churn: '0', scenario: 'BEST' })).toBe('0.4');
      expect(m0({ churn: '0', scenario: 'WORST' })).toBe('0.3');
      expect(m0({ churn: '0' })).toBe('0.3');
    });

    it('is unknown (null) when there is nowhere to take it from: churn alone is a request', () => {
      expect(m0({ churn: '0', scenario: 'WORST' }, new Map())).toBeNull();
      expect(m0({ churn: '0.1' }, new Map())).toBeNull();
    });
  });
});
