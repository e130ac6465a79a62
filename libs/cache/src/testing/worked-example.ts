import {
  buildCohortTotals,
  type CashflowView,
  cashflowDocument,
  type CompanyTerms,
  computeCompanyCashflows,
  Dec,
  type CashflowDocument,
} from '@cvf/domain';

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
  cashflowDocument(computeCompanyCashflows(workedTotals, workedTerms, view));
