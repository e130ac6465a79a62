import { Dec, formatRatio } from '../shared/money';
import { computeCohort, UNPREDICTED_REASONS } from './cohort-cashflows';
import { cohortTerms, money, month, totalsOf } from './testing';
import { type CashflowView } from './terms';

const actual: CashflowView = { kind: 'actual' };
const predicted = (m0: string, churn: string, horizon = 36): CashflowView => ({
  kind: 'predicted',
  assumptions: { m0: new Dec(m0), churn: new Dec(churn) },
  horizon,
});

describe('computeCohort', () => {
  describe('collections', () => {
    it('given a funded cohort, when a period passes its threshold, then it collects the sharing percentage rounded half-up to the cent', () => {
      const result = computeCohort(
        totalsOf('2021-03', ['33.33', '0.05']),
        month('2021-03'),
        cohortTerms({ cohort: '2021-03', spend: '100', trade: { sharing: '0.15', cap: '1000' } }),
        actual,
      );
      // 0.15 × 33.33 = 4.9995 → 5.00; 0.15 × 0.05 = 0.0075 → 0.01
      expect(result.periods.map((p) => money(p.collectedCents))).toEqual(['5.00', '0.01']);
      expect(money(result.cumulativeCollectedCents)).toBe('5.01');
    });

    it('given a threshold with an equal ratio, then the period passes (equal passes)', () => {
      const result = computeCohort(
        totalsOf('2021-01', ['100', '250']),
        month('2021-01'),
        cohortTerms({
          cohort: '2021-01',
          spend: '1000',
          trade: { sharing: '0.5', cap: '10000' },
          thresholds: { 1: '0.25' },
        }),
        actual,
      );
      expect(result.periods[1]).toMatchObject({ thresholdFailed: false });
      expect(money(result.periods[1]!.collectedCents)).toBe('125.00');
      expect(result.breaches).toEqual([]);
    });

    it('given an override for the failing period, then it counts as passed and no breach is reported', () => {
      const terms = {
        cohort: '2021-01',
        spend: '1000',
        trade: { sharing: '0.5', cap: '10000' },
        thresholds: { 1: '0.25' },
      };
      const failing = computeCohort(
        totalsOf('2021-01', ['100', '10']),
        month('2021-01'),
        cohortTerms(terms),
        actual,
      );
      const waived = computeCohort(
        totalsOf('2021-01', ['100', '10']),
        month('2021-01'),
        cohortTerms({ ...terms, overridden: [1] }),
        actual,
      );
      expect(money(failing.periods[1]!.collectedCents)).toBe('10.00');
      expect(failing.breaches).toHaveLength(1);
      expect(money(waived.periods[1]!.collectedCents)).toBe('5.00');
      expect(waived.breaches).toEqual([]);
    });

    it('given the cap is reached over several periods, then the last collection is the exact remainder and the cohort is capped', () => {
      const result = computeCohort(
        totalsOf('2021-01', ['100', '100', '100', '100']),
        month('2021-01'),
        cohortTerms({ cohort: '2021-01', spend: '1000', trade: { sharing: '0.5', cap: '120.01' } }),
        actual,
      );
      expect(result.periods.map((p) => money(p.collectedCents))).toEqual([
        '50.00',
        '50.00',
        '20.01',
        '0.00',
      ]);
      expect(result.capped).toBe(true);
      expect(result.periods[3]!.shareApplied).toBeNull();
    });

    it('given actual spend is reported, then it replaces planned spend for ratios and investment', () => {
      const result = computeCohort(
        totalsOf('2021-01', ['100', '100']),
        month('2021-01'),
        cohortTerms({
          cohort: '2021-01',
          spend: '1000',
          actualSpend: '200',
          trade: { sharing: '0.5', cap: '10000' },
          thresholds: { 1: '0.6' },
        }),
        actual,
      );
      expect(result.effectiveSpendCents).toBe(20000);
      expect(money(result.investmentCents)).toBe('100.00');
      expect(result.periods[1]!.thresholdFailed).toBe(true); // 100 / 200 = 0.5 < 0.6
    });

    it('given no spend, then thresholds are not evaluated and investment-based metrics are null (no 500, no division)', () => {
      const result = computeCohort(
        totalsOf('2021-01', ['100', '1']),
        month('2021-01'),
        cohortTerms({
          cohort: '2021-01',
          trade: { sharing: '0.5', cap: '1000' },
          thresholds: { 1: '0.9' },
        }),
        actual,
      );
      expect(result.periods.map((p) => p.thresholdFailed)).toEqual([null, null]);
      expect(money(result.cumulativeCollectedCents)).toBe('50.50');
      expect(result).toMatchObject({
        investmentCents: null,
        moic: null,
        annualIrr: null,
        paybackPeriod: null,
        cacCents: null,
        breakEvenPeriod: null,
      });
    });

    it('given zero effective spend, then it behaves like no spend', () => {
      const result = computeCohort(
        totalsOf('2021-01', ['100']),
        month('2021-01'),
        cohortTerms({
          cohort: '2021-01',
          spend: '0',
          trade: { sharing: '0.5', cap: '1000' },
          thresholds: { 0: '0.5' },
        }),
        actual,
      );
      expect(result.periods[0]!.thresholdFailed).toBeNull();
      expect(result.moic).toBeNull();
    });

    it('given an unfunded cohort, then nothing is collected and the trade fields are absent', () => {
      const result = computeCohort(
        totalsOf('2021-01', ['100']),
        month('2021-01'),
        cohortTerms({ cohort: '2021-01', spend: '1000' }),
        actual,
      );
      expect(result.trade).toBeUndefined();
      expect(result.periods[0]).toMatchObject({
        collectedCents: null,
        shareApplied: null,
        thresholdFailed: null,
      });
      expect(result.cumulativeCollectedCents).toBeNull();
      expect(result.capped).toBeNull();
    });
  });

  describe('periods', () => {
    it('given an empty month inside 0..L, then it is an actual zero, not skipped', () => {
      const result = computeCohort(
        totalsOf('2021-01', ['100', '0', '50']),
        month('2021-01'),
        cohortTerms({
          cohort: '2021-01',
          spend: '1000',
          trade: { sharing: '0.5', cap: '1000' },
          thresholds: { 1: '0.01' },
        }),
        actual,
      );
      expect(result.periods.map((p) => [p.period, p.month, p.predicted])).toEqual([
        [0, month('2021-01'), false],
        [1, month('2021-02'), false],
        [2, month('2021-03'), false],
      ]);
      expect(result.periods[1]!.thresholdFailed).toBe(true);
      expect(result.lastActualPeriod).toBe(2);
    });

    it('given a predicted view, then the last actual period keeps its actual value and predictions decay from it at full precision', () => {
      const result = computeCohort(
        totalsOf('2021-01', ['100', '33.33']),
        month('2021-01'),
        cohortTerms({ cohort: '2021-01', spend: '1000' }),
        predicted('0.4', '0.15', 6),
      );
      expect(result.periods.map((p) => p.predicted)).toEqual([
        false,
        false,
        true,
        true,
        true,
        true,
      ]);
      // 3333 × 0.85^k cents, unrounded: 2833.05, 2408.0925, 2046.878625, 1739.84683125
      expect(result.periods.slice(2).map((p) => p.paymentCents.toString())).toEqual([
        '2833.05',
        '2408.0925',
        '2046.878625',
        '1739.84683125',
      ]);
    });

    it('given a cohort without payments, then it is predicted from period 0 as m0 × spend × (1 − churn)^p', () => {
      const result = computeCohort(
        undefined,
        month('2021-05'),
        cohortTerms({ cohort: '2021-05', spend: '1000' }),
        predicted('0.4', '0.1', 3),
      );
      expect(result.periods.map((p) => money(p.paymentCents))).toEqual([
        '400.00',
        '360.00',
        '324.00',
      ]);
      expect(result.lastActualPeriod).toBeNull();
      expect(result.periods.every((p) => p.predicted)).toBe(true);
    });

    it('given churn without m0, then a cohort with payments is predicted as with any m0, and one without is left unpredicted saying why', () => {
      const churnOnly: CashflowView = {
        kind: 'predicted',
        assumptions: { m0: null, churn: new Dec('0.1') },
        horizon: 4,
      };
      const paying = computeCohort(
        totalsOf('2021-01', ['100', '90']),
        month('2021-01'),
        cohortTerms({ cohort: '2021-01', spend: '1000' }),
        churnOnly,
      );
      const withM0 = computeCohort(
        totalsOf('2021-01', ['100', '90']),
        month('2021-01'),
        cohortTerms({ cohort: '2021-01', spend: '1000' }),
        predicted('0.4', '0.1', 4),
      );
      expect(paying.periods.map((p) => money(p.paymentCents))).toEqual([
        '100.00',
        '90.00',
        '81.00',
        '72.90',
      ]);
      expect(paying).toEqual(withM0);
      expect(paying.unpredictedReason).toBeNull();

      const waiting = computeCohort(
        undefined,
        month('2021-05'),
        cohortTerms({ cohort: '2021-05', spend: '1000' }),
        churnOnly,
      );
      expect(waiting.periods).toEqual([]);
      expect(waiting.unpredictedReason).toBe(UNPREDICTED_REASONS.no_m0);
    });

    it('given a cohort with neither payments nor spend, then a predicted view says it has nothing to predict from', () => {
      const result = computeCohort(
        undefined,
        month('2021-05'),
        cohortTerms({ cohort: '2021-05', trade: { sharing: '0.5', cap: '100' } }),
        predicted('0.4', '0.1', 3),
      );
      expect(result.periods).toEqual([]);
      expect(result.unpredictedReason).toBe(UNPREDICTED_REASONS.no_spend);
    });

    it('given a cohort without payments in the actual view, then it has no periods', () => {
      const result = computeCohort(
        undefined,
        month('2021-05'),
        cohortTerms({ cohort: '2021-05', spend: '1000', trade: { sharing: '0.5', cap: '100' } }),
        actual,
      );
      expect(result.periods).toEqual([]);
      expect(money(result.cumulativeCollectedCents)).toBe('0.00');
      expect(result.annualIrr).toBeNull();
    });

    it('given thresholds on predicted periods, then they are evaluated but not reported as breaches', () => {
      const result = computeCohort(
        totalsOf('2021-01', ['100']),
        month('2021-01'),
        cohortTerms({
          cohort: '2021-01',
          spend: '1000',
          trade: { sharing: '0.5', cap: '10000' },
          thresholds: { 2: '0.5' },
        }),
        predicted('0.4', '0.5', 4),
      );
      expect(result.periods[2]).toMatchObject({ predicted: true, thresholdFailed: true });
      expect(money(result.periods[2]!.collectedCents)).toBe('25.00');
      expect(result.breaches).toEqual([]);
    });

    it('given the cap is reached in a predicted period, then later predicted periods collect 0 but still count toward LTV', () => {
      const result = computeCohort(
        totalsOf('2021-01', ['100'], 2),
        month('2021-01'),
        cohortTerms({ cohort: '2021-01', spend: '100', trade: { sharing: '1', cap: '150' } }),
        predicted('0', '0', 4),
      );
      expect(result.periods.map((p) => money(p.collectedCents))).toEqual([
        '100.00',
        '50.00',
        '0.00',
        '0.00',
      ]);
      expect(money(result.ltvPerCustomerCents)).toBe('200.00');
    });
  });

  describe('metrics', () => {
    it('computes investment, MOIC, payback, break-even, CAC and LTV', () => {
      const result = computeCohort(
        totalsOf('2021-01', ['300', '300', '600'], 4),
        month('2021-01'),
        cohortTerms({ cohort: '2021-01', spend: '1000', trade: { sharing: '0.5', cap: '2000' } }),
        actual,
      );
      expect(money(result.investmentCents)).toBe('500.00');
      expect(result.moic!.toFixed(6)).toBe('1.200000'); // 600 / 500
      expect(result.paybackPeriod).toBe(2); // cumulative collected 150, 300, 600 ≥ 500
      expect(result.breakEvenPeriod).toBe(2); // cumulative payments 300, 600, 1200 ≥ 1000
      expect(money(result.cacCents)).toBe('250.00');
      expect(money(result.ltvPerCustomerCents)).toBe('300.00');
    });

    it('computes the annualised IRR of the fund flows, with period 0 netting investment and collection', () => {
      // flows: -500 + 150 = -350, +150, +300 → monthly r solves -350 + 150/(1+r) + 300/(1+r)^2 = 0
      const result = computeCohort(
        totalsOf('2021-01', ['300', '300', '600']),
        month('2021-01'),
        cohortTerms({ cohort: '2021-01', spend: '1000', trade: { sharing: '0.5', cap: '2000' } }),
        actual,
      );
      // with x = 1/(1+r): 300x² + 150x − 350 = 0
      const x = (-150 + Math.sqrt(150 ** 2 + 4 * 300 * 350)) / (2 * 300);
      expect(Number(result.annualIrr!.toFixed(6))).toBeCloseTo((1 / x) ** 12 - 1, 5);
    });

    it('finds an IRR above 10^4 a month: 0.01 invested, 200.00 collected a month later', () => {
      // flows −1 + 0 cent at period 0, +20000 cents at period 1 → r = 19999 (numpy-financial too)
      const result = computeCohort(
        totalsOf('2021-01', ['0', '200']),
        month('2021-01'),
        cohortTerms({ cohort: '2021-01', spend: '0.01', trade: { sharing: '1', cap: '1000' } }),
        actual,
      );
      expect(formatRatio(result.annualIrr!)).toBe(`4095${'9'.repeat(48)}.000000`); // 20000^12 − 1
    });

    it('gives an IRR for a cohort that collects almost nothing back (r near −1)', () => {
      // −1000 + 0.01 at period 0, +0.01 at period 1: 1 + r = 0.01/999.99, annual → −1
      const result = computeCohort(
        totalsOf('2021-01', ['0.01', '0.01']),
        month('2021-01'),
        cohortTerms({ cohort: '2021-01', spend: '1000', trade: { sharing: '1', cap: '2000' } }),
        actual,
      );
      expect(formatRatio(result.annualIrr!)).toBe('-1.000000');
    });

    it('gives a null IRR when the flows never change sign', () => {
      const result = computeCohort(
        totalsOf('2021-01', ['300']),
        month('2021-01'),
        cohortTerms({ cohort: '2021-01', spend: '100', trade: { sharing: '1', cap: '2000' } }),
        actual,
      );
      expect(result.annualIrr).toBeNull(); // -100 + 300 > 0 at period 0, nothing negative
    });
  });
});
