import { buildCohortTotals } from './cohort-totals';
import { month } from './testing';

describe('buildCohortTotals', () => {
  it('given payments of one customer, then the cohort is the month of the earliest payment and periods count whole calendar months', () => {
    const totals = buildCohortTotals([
      { customerId: 'c', paymentDate: '2020-03-31', netCents: 100 },
      { customerId: 'c', paymentDate: '2020-01-31', netCents: 200 },
      { customerId: 'c', paymentDate: '2020-02-01', netCents: 300 },
    ]);
    expect([...totals.values()]).toEqual([
      { cohortMonth: month('2020-01'), customerCount: 1, periodCents: [200, 300, 100] },
    ]);
  });

  it('given a backfilled earlier payment, then the customer and all their payments move to the earlier cohort', () => {
    const before = buildCohortTotals([
      { customerId: 'c', paymentDate: '2020-05-10', netCents: 500 },
    ]);
    const after = buildCohortTotals([
      { customerId: 'c', paymentDate: '2020-05-10', netCents: 500 },
      { customerId: 'c', paymentDate: '2020-02-10', netCents: 100 },
    ]);
    expect([...before.keys()]).toEqual([month('2020-05')]);
    expect([...after.values()]).toEqual([
      { cohortMonth: month('2020-02'), customerCount: 1, periodCents: [100, 0, 0, 500] },
    ]);
  });

  it('given a fully refunded payment (net 0), then it still anchors the cohort and extends the last actual period', () => {
    const totals = buildCohortTotals([
      { customerId: 'c', paymentDate: '2020-01-15', netCents: 0 },
      { customerId: 'c', paymentDate: '2020-03-15', netCents: 0 },
    ]);
    expect(totals.get(month('2020-01'))).toEqual({
      cohortMonth: month('2020-01'),
      customerCount: 1,
      periodCents: [0, 0, 0],
    });
  });

  it('counts customers per cohort and sums their payments per period', () => {
    const totals = buildCohortTotals([
      { customerId: 'a', paymentDate: '2020-01-01', netCents: 1 },
      { customerId: 'b', paymentDate: '2020-01-09', netCents: 2 },
      { customerId: 'b', paymentDate: '2020-02-09', netCents: 4 },
      { customerId: 'c', paymentDate: '2020-02-01', netCents: 8 },
    ]);
    expect(totals.get(month('2020-01'))).toEqual({
      cohortMonth: month('2020-01'),
      customerCount: 2,
      periodCents: [3, 4],
    });
    expect(totals.get(month('2020-02'))).toEqual({
      cohortMonth: month('2020-02'),
      customerCount: 1,
      periodCents: [8],
    });
  });

  it('given no payments, then there are no cohorts', () => {
    expect(buildCohortTotals([]).size).toBe(0);
  });
});
