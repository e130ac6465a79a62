import { currencyExponent } from '../shared/locale';
import { Dec, parseMoney } from '../shared/money';
import { parseMonth, type MonthIndex } from '../shared/month';
import { buildCohortTotals, type CohortTotals, type NetPayment } from './cohort-totals';
import { computeCompanyCashflows } from './company-cashflows';
import { cashflowDocument, type CashflowDocument } from './report-document';
import { type CashflowView, type CohortTerms, type CompanyTerms, type Trade } from './terms';

/** Small builders for engine tests (not exported from the library index). */
export const month = (text: string): MonthIndex => {
  const parsed = parseMonth(text);
  if (parsed === null) throw new Error(`bad month ${text}`);
  return parsed;
};

/** USD minor units of an amount written in dollars ("12.5" → 1250), exactly. */
export const cents = (amount: string): number => minorUnits(amount, 'USD');

export function totalsOf(
  cohort: string,
  periodAmounts: readonly string[],
  customers = 1,
): CohortTotals {
  return {
    cohortMonth: month(cohort),
    customerCount: customers,
    periodCents: periodAmounts.map(cents),
  };
}

export function trade(cohort: string, sharing: string, cap: string): Trade {
  return {
    cohortMonth: month(cohort),
    sharingPercentage: new Dec(sharing),
    cashCapCents: cents(cap),
  };
}

export function cohortTerms(options: {
  cohort: string;
  spend?: string;
  actualSpend?: string;
  trade?: { sharing: string; cap: string };
  thresholds?: Record<number, string>;
  overridden?: number[];
}): CohortTerms {
  return {
    spend:
      options.spend === undefined
        ? undefined
        : {
            cohortMonth: month(options.cohort),
            plannedCents: cents(options.spend),
            actualCents: options.actualSpend === undefined ? null : cents(options.actualSpend),
          },
    trade: options.trade
      ? trade(options.cohort, options.trade.sharing, options.trade.cap)
      : undefined,
    thresholds: new Map(
      Object.entries(options.thresholds ?? {}).map(([p, m]) => [Number(p), new Dec(m)]),
    ),
    overriddenPeriods: new Set(options.overridden ?? []),
  };
}

/** Money in cents (Dec or null) as the wire string, for readable expectations. */
export const money = (value: Dec | null): string | null =>
  value === null ? null : value.div(100).toFixed(2);

/** An amount written in the currency's units ("12.5") as its minor units, exactly. */
export function minorUnits(amount: string, currency: string): number {
  const parsed = parseMoney(amount, currencyExponent(currency));
  if ('error' in parsed) throw new Error(`bad amount ${amount}: ${parsed.error}`);
  return parsed.cents;
}

/**
 * The worked example of shared/DOMAIN.md as engine inputs, its face amounts (200, 1000, …)
 * in `currency`'s minor units: cents of USD by default, yen, fils.
 */
export function workedExampleIn(currency = 'USD'): {
  payments: readonly NetPayment[];
  terms: CompanyTerms;
} {
  const m = (amount: string) => minorUnits(amount, currency);
  const pay = (customerId: string, paymentDate: string, amount: string): NetPayment => ({
    customerId,
    paymentDate,
    netCents: m(amount),
  });
  const worked = (cohort: string, sharing: string, cap: string): Trade => ({
    cohortMonth: month(cohort),
    sharingPercentage: new Dec(sharing),
    cashCapCents: m(cap),
  });
  return {
    payments: [
      pay('1', '2020-01-01', '200'),
      pay('1', '2020-02-01', '100'),
      pay('2', '2020-02-01', '400'),
      pay('2', '2020-03-01', '300'),
      pay('3', '2020-04-01', '500'),
    ],
    terms: {
      spends: ['2020-01', '2020-02', '2020-04'].map((cohort) => ({
        cohortMonth: month(cohort),
        plannedCents: m('1000'),
        actualCents: null,
      })),
      trades: [
        worked('2020-01', '0.8', '500'),
        worked('2020-02', '0.8', '400'),
        worked('2020-04', '0.5', '500'),
      ],
      thresholds: [{ paymentPeriod: 1, minimumPaymentPercent: new Dec('0.25') }],
      overrides: [],
    },
  };
}

const usdWorkedExample = workedExampleIn('USD');
export const workedPayments: readonly NetPayment[] = usdWorkedExample.payments;
export const workedTerms: CompanyTerms = usdWorkedExample.terms;

/** The worked example's scenario BEST: m0 0.4, churn 0.1, horizon 36. */
export const WORKED_BEST: CashflowView = {
  kind: 'predicted',
  assumptions: { m0: new Dec('0.4'), churn: new Dec('0.1') },
  horizon: 36,
};

export const workedDocument = (view: CashflowView = { kind: 'actual' }): CashflowDocument =>
  cashflowDocument(
    computeCompanyCashflows(buildCohortTotals(workedPayments), workedTerms, view),
    'USD',
  );
