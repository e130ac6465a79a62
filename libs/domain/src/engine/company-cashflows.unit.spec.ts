import { Dec } from '../shared/money';
import {
  owedForMonth,
  shownCohortMonths,
  sortBreaches,
  sumCollectedByMonth,
} from './company-cashflows';
import { month, trade } from './testing';

const spend = (cohort: string) => ({
  cohortMonth: month(cohort),
  plannedCents: 100_00,
  actualCents: null,
});

describe('shownCohortMonths', () => {
  it('given spend, trades and customers in overlapping months, then each month shows once, in month order', () => {
    const terms = {
      spends: [spend('2020-05'), spend('2020-01')],
      trades: [trade('2020-01', '0.5', '100'), trade('2020-07', '0.5', '100')],
    };
    expect(shownCohortMonths(terms, [month('2020-03'), month('2020-05')])).toEqual(
      ['2020-01', '2020-03', '2020-05', '2020-07'].map(month),
    );
  });

  it('given terms but no customers, then the cohorts with terms still show', () => {
    expect(shownCohortMonths({ spends: [spend('2021-02')], trades: [] }, [])).toEqual([
      month('2021-02'),
    ]);
  });

  it('given customers but no terms, then only the customers’ cohorts show', () => {
    expect(shownCohortMonths({ spends: [], trades: [] }, new Set([month('2019-12')]))).toEqual([
      month('2019-12'),
    ]);
  });
});

describe('sumCollectedByMonth', () => {
  it('given collections of several cohorts, when summed, then each calendar month adds up exactly and unfunded (null) periods are left out', () => {
    const sums = sumCollectedByMonth([
      { month: month('2020-02'), collected: new Dec('0.1') },
      { month: month('2020-01'), collected: new Dec('5') },
      { month: month('2020-02'), collected: new Dec('0.2') },
      { month: month('2020-03'), collected: null },
    ]);
    expect(sums.map(({ month: m, amount }) => [m, amount.toString()])).toEqual([
      [month('2020-01'), '5'],
      [month('2020-02'), '0.3'],
    ]);
  });

  it('given wire months and money strings, then the same rule sums them in month order', () => {
    const sums = sumCollectedByMonth([
      { month: '2020-10-01', collected: '1.10' },
      { month: '2020-09-01', collected: '2.00' },
      { month: '2020-10-01', collected: '0.20' },
    ]);
    expect(sums.map(({ month: m, amount }) => [m, amount.toFixed(2)])).toEqual([
      ['2020-09-01', '2.00'],
      ['2020-10-01', '1.30'],
    ]);
  });

  it('given nothing collected, then there are no months', () => {
    expect(sumCollectedByMonth([{ month: 1, collected: null }])).toEqual([]);
  });
});

describe('sortBreaches', () => {
  it('given breaches in any order, then they list by cohort month, then period', () => {
    const breaches = [
      { cohort: month('2020-03'), period: 0 },
      { cohort: month('2020-01'), period: 2 },
      { cohort: month('2020-01'), period: 1 },
    ];
    expect(sortBreaches(breaches, (b) => [b.cohort, b.period])).toEqual([
      { cohort: month('2020-01'), period: 1 },
      { cohort: month('2020-01'), period: 2 },
      { cohort: month('2020-03'), period: 0 },
    ]);
  });
});

describe('owedForMonth', () => {
  const report = {
    monthlyCollections: [
      { month: month('2020-01'), amountCents: new Dec(160_00) },
      { month: month('2020-02'), amountCents: new Dec(420_00) },
    ],
  };

  it('given collections falling in the month, then owed is their sum', () => {
    expect(owedForMonth(report, month('2020-02')).toFixed()).toBe('42000');
  });

  it('given a month nothing falls in, then owed is 0', () => {
    expect(owedForMonth(report, month('2020-03')).toFixed()).toBe('0');
  });
});
