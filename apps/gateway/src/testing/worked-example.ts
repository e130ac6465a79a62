import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { write } from './gateway-http';
import { ADMIN_HEADERS, contractFetch } from '@cvf/platform/testing';

/** DOMAIN.md's worked example, written through the ingest routes. */
export const WORKED_PAYMENTS = [
  { payment_id: 'p1', customer_id: '1', payment_date: '2020-01-01', amount: '200.00' },
  { payment_id: 'p2', customer_id: '1', payment_date: '2020-02-01', amount: '100.00' },
  { payment_id: 'p3', customer_id: '2', payment_date: '2020-02-01', amount: '400.00' },
  { payment_id: 'p4', customer_id: '2', payment_date: '2020-03-01', amount: '300.00' },
  { payment_id: 'p5', customer_id: '3', payment_date: '2020-04-01', amount: '500.00' },
] as const;

/** A write that must succeed, returning its log position: in-process or over HTTP. */
export type WriteFn = (method: 'POST', path: string, body: object) => Promise<string>;
type Target = NestFastifyApplication | WriteFn;
const writerOf = (target: Target): WriteFn =>
  typeof target === 'function' ? target : (method, path, body) => write(target, method, path, body);

/**
 * A `WriteFn` over HTTP, for apps running in their own processes (e.g. ingest at `base`);
 * every answer is checked against the service's OpenAPI document.
 */
export function httpWriter(base: string): WriteFn {
  return async (method, path, body) => {
    const response = await contractFetch(`${base}${path}`, {
      method,
      headers: { ...ADMIN_HEADERS, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    const position = (JSON.parse(text) as { position?: unknown }).position;
    if (response.status >= 300 || typeof position !== 'string') {
      throw new Error(`${method} ${path} → ${response.status}: ${text}`);
    }
    return position;
  };
}

/**
 * Registration (in `currency`, USD by default), spend, trades and the threshold; returns the
 * last position. The amounts are whole, so they are valid in every currency.
 */
export async function writeWorkedTerms(
  target: Target,
  companyId: string,
  currency?: string,
): Promise<string> {
  const send = writerOf(target);
  await send('POST', '/companies', {
    id: companyId,
    name: `Worked ${companyId}`,
    ...(currency === undefined ? {} : { currency }),
  });
  const company = `/companies/${companyId}`;
  for (const month of ['2020-01', '2020-02', '2020-04']) {
    await send('POST', `${company}/spends`, { cohort_month: month, planned_spend: '1000' });
  }
  const trades = [
    ['2020-01', '0.8', '500'],
    ['2020-02', '0.8', '400'],
    ['2020-04', '0.5', '500'],
  ] as const;
  for (const [cohort_month, sharing_percentage, cash_cap] of trades) {
    await send('POST', `${company}/trades`, { cohort_month, sharing_percentage, cash_cap });
  }
  return send('POST', `${company}/thresholds`, {
    payment_period_month: 1,
    minimum_payment_percent: '0.25',
  });
}

export async function writeWorkedPayments(
  target: Target,
  companyId: string,
  payments: readonly object[] = WORKED_PAYMENTS,
): Promise<string> {
  const send = writerOf(target);
  let position = '';
  for (const payment of payments) {
    position = await send('POST', `/companies/${companyId}/payments`, payment);
  }
  return position;
}

/** The whole example; returns the position of the last write. */
export async function writeWorkedExample(target: Target, companyId: string): Promise<string> {
  await writeWorkedTerms(target, companyId);
  return writeWorkedPayments(target, companyId);
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
