import { formatMonth } from '@cvf/domain';
import { random } from '@cvf/platform/testing';
import { CompanyHistory } from './company-history';

const JAN_2020 = 2020 * 12;
const monthText = (offset: number): string => formatMonth(JAN_2020 + offset);

/**
 * A company with every kind of term: 12 cohort months of spend (some with actual spend), trades
 * on most of them (caps low enough that some cohorts cap), thresholds on two periods, one
 * waiver, WORST and BEST assumptions; then `payments` payments of `customers` customers
 * over 12 months, a few of them partly refunded. Deterministic for a given seed.
 */
export function portfolioHistory(
  companyId: string,
  options: { customers?: number; payments?: number; seed?: number } = {},
): CompanyHistory {
  const { customers = 40, payments = 300, seed = 7 } = options;
  const history = new CompanyHistory(companyId).register();
  for (let m = 0; m < 12; m++) {
    history.spend(monthText(m), 200_000 + m * 10_000, m % 4 === 0 ? 180_000 : undefined);
    if (m % 5 !== 3) history.trade(monthText(m), m % 2 === 0 ? '0.8' : '0.35', 60_000 + m * 5_000);
  }
  history
    .threshold(1, '0.25')
    .threshold(2, '0.2')
    .override(monthText(2), 1)
    .predict('WORST', '0.2', '0.3')
    .predict('BEST', '0.4', '0.1');
  const rnd = random(seed);
  const firstMonth = Array.from({ length: customers }, () => Math.floor(rnd() * 12));
  for (let i = 0; i < payments; i++) {
    const customer = i % customers;
    const month = Math.min(11, firstMonth[customer]! + Math.floor(rnd() * 6));
    const day = 1 + Math.floor(rnd() * 28);
    history.pay(
      `p${i}`,
      `cus${customer}`,
      `${monthText(month).slice(0, 8)}${String(day).padStart(2, '0')}`,
      1_000 + Math.floor(rnd() * 30_000),
    );
    if (i % 17 === 5) history.refund(`p${i}`, 500);
  }
  return history;
}

/** A payment in cohort `month` (offset from 2020-01) by a brand-new customer. */
export const newCustomerPayment = (
  history: CompanyHistory,
  id: string,
  monthOffset: number,
  cents: number,
): CompanyHistory => history.pay(id, `new-${id}`, `${monthText(monthOffset).slice(0, 8)}15`, cents);
