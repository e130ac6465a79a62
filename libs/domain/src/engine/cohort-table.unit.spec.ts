import { cohortsTable } from './cohort-table';
import { type CashflowDocument } from './report-document';
import { WORKED_BEST, workedDocument } from './testing';

const period = (p: number, month: string, payment: string, predicted = false) => ({
  period: p,
  month,
  payment,
  predicted,
});
const document = {
  view: 'actual',
  cohorts: [
    {
      cohort_month: '2020-01-01',
      customer_count: 1,
      last_actual_period: 1,
      cumulative_payment: '300.00',
      periods: [period(0, '2020-01-01', '200.00'), period(1, '2020-02-01', '100.00')],
    },
    {
      cohort_month: '2020-03-01',
      customer_count: 0,
      last_actual_period: null,
      cumulative_payment: '0.00',
      periods: [],
    },
  ],
  monthly_collections: [{ month: '2020-02-01', amount: '420.00' }],
  breaches: [],
} as unknown as CashflowDocument;

describe('cohortsTable', () => {
  it('given an actual document, then the table has a column per period up to the longest cohort', () => {
    expect(cohortsTable(document)).toEqual({
      periods: [0, 1],
      cohorts: [
        {
          cohort_month: '2020-01-01',
          customer_count: 1,
          last_actual_period: 1,
          payments: ['200.00', '100.00'],
          total: '300.00',
        },
        {
          cohort_month: '2020-03-01',
          customer_count: 0,
          last_actual_period: null,
          payments: [],
          total: '0.00',
        },
      ],
    });
  });

  it('given the worked example, then it is DOMAIN.md’s cohort table', () => {
    const table = cohortsTable(workedDocument());
    expect(table.periods).toEqual([0, 1]);
    expect(table.cohorts.map((c) => [c.cohort_month, c.customer_count, c.payments])).toEqual([
      ['2020-01-01', 1, ['200.00', '100.00']],
      ['2020-02-01', 1, ['400.00', '300.00']],
      ['2020-04-01', 1, ['500.00']],
    ]);
  });

  it('given a predicted document, then only the actual periods are columns', () => {
    const table = cohortsTable(workedDocument(WORKED_BEST));
    expect(table.periods).toEqual([0, 1]);
    expect(table.cohorts.map((c) => c.payments)).toEqual([
      ['200.00', '100.00'],
      ['400.00', '300.00'],
      ['500.00'],
    ]);
  });

  it('given no cohorts, then there are no columns', () => {
    expect(cohortsTable({ ...document, cohorts: [] })).toEqual({ periods: [], cohorts: [] });
  });
});
