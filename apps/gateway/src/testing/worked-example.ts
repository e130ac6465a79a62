import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { write } from './gateway-http';

/** DOMAIN.md's worked example, written through the ingest routes. */
export const WORKED_PAYMENTS = [
  { payment_id: 'p1', customer_id: '1', payment_date: '2020-01-01', amount: '200.00' },
  { payment_id: 'p2', customer_id: '1', payment_date: '2020-02-01', amount: '100.00' },
  { payment_id: 'p3', customer_id: '2', payment_date: '2020-02-01', amount: '400.00' },
  { payment_id: 'p4', customer_id: '2', payment_date: '2020-03-01', amount: '300.00' },
  { payment_id: 'p5', customer_id: '3', payment_date: '2020-04-01', amount: '500.00' },
] as const;

/** Registration, spend, trades and the threshold; returns the last position. */
export async function writeWorkedTerms(
  app: NestFastifyApplication,
  companyId: string,
): Promise<string> {
  await write(app, 'POST', '/companies', { id: companyId, name: `Worked ${companyId}` });
  const company = `/companies/${companyId}`;
  for (const month of ['2020-01', '2020-02', '2020-04']) {
    await write(app, 'POST', `${company}/spends`, { cohort_month: month, planned_spend: '1000' });
  }
  const trades = [
    ['2020-01', '0.8', '500'],
    ['2020-02', '0.8', '400'],
    ['2020-04', '0.5', '500'],
  ] as const;
  for (const [cohort_month, sharing_percentage, cash_cap] of trades) {
    await write(app, 'POST', `${company}/trades`, { cohort_month, sharing_percentage, cash_cap });
  }
  return write(app, 'POST', `${company}/thresholds`, {
    payment_period_month: 1,
    minimum_payment_percent: '0.25',
  });
}

export async function writeWorkedPayments(
  app: NestFastifyApplication,
  companyId: string,
  payments: readonly object[] = WORKED_PAYMENTS,
): Promise<string> {
  let position = '';
  for (const payment of payments) {
    position = await write(app, 'POST', `/companies/${companyId}/payments`, payment);
  }
  return position;
}

/** The whole example; returns the position of the last write. */
export async function writeWorkedExample(
  app: NestFastifyApplication,
  companyId: string,
): Promise<string> {
  await writeWorkedTerms(app, companyId);
  return writeWorkedPayments(app, companyId);
}

/**
 * What `cvf compute` prints for the worked example's sample files (samples/worked-example),
 * compacted: the CLI pretty-prints, the gateway sends the same JSON without whitespace.
 * Runs the built CLI (jest's global setup builds dist/).
 */
export function cliDocument(...options: string[]): string {
  const root = join(__dirname, '../../../..');
  const sample = (file: string) => join(root, 'samples/worked-example', file);
  const result = spawnSync(
    process.execPath,
    [
      join(root, 'dist/apps/cli/src/main.js'),
      'compute',
      ...['--payments', sample('payments.csv'), '--spend', sample('spend.csv')],
      ...['--trades', sample('trades.csv'), '--thresholds', sample('thresholds.csv')],
      ...options,
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`cvf compute failed: ${result.stderr}`);
  return JSON.stringify(JSON.parse(result.stdout));
}
