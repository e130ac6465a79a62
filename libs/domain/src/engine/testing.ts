import { Dec } from '../shared/money';
import { parseMonth, type MonthIndex } from '../shared/month';
import { type CohortTotals } from './cohort-totals';
import { type CohortTerms, type Trade } from './terms';

/** Small builders for engine tests (not exported from the library index). */
export const month = (text: string): MonthIndex => {
  const parsed = parseMonth(text);
  if (parsed === null) throw new Error(`bad month ${text}`);
  return parsed;
};

export const cents = (amount: string): number => Math.round(Number(amount) * 100);

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
