import { type CashflowDocument } from '@cvf/domain';
import { cohortsTable, owedFor } from './cashflow-views';

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

describe('views of the actual rollup', () => {
  it('the cohorts table has a column per period up to the longest cohort', () => {
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

  it('owed is the month’s collections, 0.00 when nothing falls there', () => {
    expect(owedFor(document, 2020 * 12 + 1)).toEqual({ month: '2020-02-01', owed: '420.00' });
    expect(owedFor(document, 2020 * 12 + 2)).toEqual({ month: '2020-03-01', owed: '0.00' });
  });
});
