import {
  buildCohortTotals,
  type CashflowView,
  cashflowDocument,
  type CompanyTerms,
  computeCompanyCashflows,
  Dec,
  type CashflowDocument,
} from '@cvf/domain';
import { CompanyHistory } from './company-history';

/** DOMAIN.md's worked example as engine inputs (months: 2020-01 = 2020 * 12). */
const JAN = 2020 * 12;
export const workedTotals = buildCohortTotals([
  { customerId: '1', paymentDate: '2020-01-01', netCents: 20_000 },
  { customerId: '1', paymentDate: '2020-02-01', netCents: 10_000 },
  { customerId: '2', paymentDate: '2020-02-01', netCents: 40_000 },
  { customerId: '2', paymentDate: '2020-03-01', netCents: 30_000 },
  { customerId: '3', paymentDate: '2020-04-01', netCents: 50_000 },
]);
export const workedTerms: CompanyTerms = {
  spends: [JAN, JAN + 1, JAN + 3].map((m) => ({
    cohortMonth: m,
    plannedCents: 100_000,
    actualCents: null,
  })),
  trades: [
    { cohortMonth: JAN, sharingPercentage: new Dec('0.8'), cashCapCents: 50_000 },
    { cohortMonth: JAN + 1, sharingPercentage: new Dec('0.8'), cashCapCents: 40_000 },
    { cohortMonth: JAN + 3, sharingPercentage: new Dec('0.5'), cashCapCents: 50_000 },
  ],
  thresholds: [{ paymentPeriod: 1, minimumPaymentPercent: new Dec('0.25') }],
  overrides: [],
};
export const BEST: CashflowView = {
  kind: 'predicted',
  assumptions: { m0: new Dec('0.4'), churn: new Dec('0.1') },
  horizon: 36,
};
export const workedDocument = (view: CashflowView = { kind: 'actual' }): CashflowDocument =>
  cashflowDocument(computeCompanyCashflows(workedTotals, workedTerms, view), 'USD');

/**
 * The same example as a company's event history, for specs that project it: one breach
 * (2020-01, period 1) and one capped cohort (2020-02).
 */
export function workedHistory(companyId: string): CompanyHistory {
  return new CompanyHistory(companyId)
    .register()
    .spend('2020-01-01', 100_000)
    .spend('2020-02-01', 100_000)
    .spend('2020-04-01', 100_000)
    .trade('2020-01-01', '0.8', 50_000)
    .trade('2020-02-01', '0.8', 40_000)
    .trade('2020-04-01', '0.5', 50_000)
    .threshold(1, '0.25')
    .pay('a', '1', '2020-01-01', 20_000)
    .pay('b', '1', '2020-02-01', 10_000)
    .pay('c', '2', '2020-02-01', 40_000)
    .pay('d', '2', '2020-03-01', 30_000)
    .pay('e', '3', '2020-04-01', 50_000);
}

/** The example's one breach as an alert of company `worked` (DOMAIN.md: 100 / 1000 < 0.25). */
export const WORKED_BREACH = {
  company_id: 'worked',
  cohort_month: '2020-01-01',
  period: 1,
  month: '2020-02-01',
  ratio: '0.100000',
  minimum: '0.25',
} as const;
