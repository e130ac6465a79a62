import {
  buildCohortTotals,
  computeCompanyCashflows,
  Dec,
  formatMonth,
  SCENARIOS,
  type CohortTotals,
  type CompanyTerms,
  type NetPayment,
} from '@cvf/domain';
import { measure, random, report, verdict } from './harness';

const FIRST_MONTH = 2019 * 12;
const COHORTS = 60;

/** 1,000,000 payments of 50,000 customers over 60 cohort months, each paying for up to 36 months. */
function syntheticPayments(count: number): NetPayment[] {
  const rnd = random(42);
  const customers = 50_000;
  const start = Array.from({ length: customers }, () => FIRST_MONTH + Math.floor(rnd() * COHORTS));
  const payments: NetPayment[] = new Array<NetPayment>(count);
  for (let i = 0; i < count; i++) {
    const customer = i % customers;
    const month = start[customer]! + Math.floor(rnd() * 36);
    const day = 1 + Math.floor(rnd() * 28);
    payments[i] = {
      customerId: `cus_${customer}`,
      paymentDate: `${formatMonth(month).slice(0, 8)}${String(day).padStart(2, '0')}`,
      netCents: Math.floor(rnd() * 50_000),
    };
  }
  return payments;
}

function syntheticTerms(): CompanyTerms {
  const months = Array.from({ length: COHORTS }, (_, i) => FIRST_MONTH + i);
  return {
    spends: months.map((m) => ({
      cohortMonth: m,
      plannedCents: 50_000_000,
      actualCents: m % 3 === 0 ? 48_000_000 : null,
    })),
    trades: months.map((m) => ({
      cohortMonth: m,
      sharingPercentage: new Dec('0.35'),
      cashCapCents: 30_000_000,
    })),
    thresholds: [1, 3, 6, 12].map((p) => ({
      paymentPeriod: p,
      minimumPaymentPercent: new Dec('0.04'),
    })),
    overrides: [{ cohortMonth: FIRST_MONTH + 5, paymentPeriod: 3, reason: 'bench' }],
  };
}

export function engineBench(): boolean {
  console.log('\nEngine (libs/domain)');
  const payments = syntheticPayments(1_000_000);

  // Baseline: the least work any cohort assignment must do, one pass keyed by customer.
  const baseline = measure('baseline: 1,000,000 payments summed per customer (Map)', 5, () => {
    const sums = new Map<string, number>();
    for (const p of payments) sums.set(p.customerId, (sums.get(p.customerId) ?? 0) + p.netCents);
    return sums;
  });
  report(baseline);
  let totals = new Map<number, CohortTotals>();
  const assign = measure('raw 1,000,000 payments → cohort totals', 5, () => {
    totals = buildCohortTotals(payments);
  });
  report(assign, `   ${(assign.medianMs / baseline.medianMs).toFixed(2)}× baseline`);

  const terms = syntheticTerms();
  const views = SCENARIOS.map((scenario, i) => ({
    scenario,
    view: {
      kind: 'predicted' as const,
      horizon: 36,
      assumptions: {
        m0: new Dec(['0.2', '0.3', '0.4'][i]!),
        churn: new Dec(['0.15', '0.1', '0.05'][i]!),
      },
    },
  }));
  // Baseline: the same number of decimal.js multiplications the walk needs at minimum (one per period).
  const decimalBaseline = measure('baseline: 60 × 36 × 3 decimal.js multiplications', 50, () => {
    let acc = new Dec(0);
    const factor = new Dec('0.35');
    for (let i = 0; i < COHORTS * 36 * 3; i++) acc = acc.add(factor.mul(i));
    return acc;
  });
  report(decimalBaseline);
  const results = measure('totals → results: 60 cohorts × horizon 36 × 3 scenarios', 50, () => {
    for (const { view } of views) computeCompanyCashflows(totals, terms, view);
  });
  report(results, `   ${(results.medianMs / decimalBaseline.medianMs).toFixed(2)}× baseline`);

  const a = verdict('cohort assignment of 1,000,000 payments', assign.medianMs, 1000, 'ms');
  const b = verdict('results for 60 cohorts × 36 × 3 scenarios', results.medianMs, 20, 'ms');
  return a && b;
}
