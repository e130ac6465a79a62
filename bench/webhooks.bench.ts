import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { stripeSignatureHeader } from '@cvf/ingest';
import * as processes from '@cvf/platform/testing';
import { verdict } from './harness';
import { chargeEvent, loadRequest, openLoop, p50p99, post } from './load';

/**
 * Ingest alone: signed Stripe webhooks (charge.succeeded, each a new payment) into the built
 * ingest process, open loop at RATE per second with at most IN_FLIGHT requests, beside its
 * own HTTP floor measured in the same run the same way (GET /health/live: routing, logging
 * and the reply, no signature, no PostgreSQL). One scratch database, dropped afterwards.
 */
const RATE = 600;
const SECONDS = 8;
const IN_FLIGHT = 8;
const COMPANY = 'bench-webhooks';

interface Run {
  readonly perSecond: number;
  readonly latencies: number[];
  readonly failures: number;
}

/** The shared open loop (load.ts), timing each request; the rate is of completed ones. */
async function measure(one: (i: number) => Promise<boolean>): Promise<Run> {
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  await openLoop({ rate: RATE, seconds: SECONDS, inFlight: IN_FLIGHT }, async (i) => {
    const sent = performance.now();
    const ok = await one(i).catch(() => false);
    if (ok) latencies.push(performance.now() - sent);
    else failures++;
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    perSecond: (RATE * SECONDS) / seconds,
    latencies: latencies.sort((a, b) => a - b),
    failures,
  };
}

export async function webhooksBench(): Promise<boolean> {
  console.log('\nWebhooks into ingest alone (built process, signed charge.succeeded)');
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `cvf_bench_webhooks_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const app = await processes.startAppProcess('ingest', {
    DATABASE_URL: url.toString(),
    LOG_LEVEL: 'error',
  });
  try {
    await processes.untilReady(app, 60_000);
    await post(app.base, '/companies', { id: COMPANY, name: 'Bench Webhooks' });
    const secret = String((await post(app.base, `/companies/${COMPANY}/webhook-secrets`)).secret);
    const run = randomBytes(3).toString('hex');
    // Charges made as the load starts, as a live endpoint receives them (after the ingest
    // process, and its tables, came to be).
    const chargeCreated = Math.floor(Date.now() / 1000);

    const floor = await measure(async () => {
      const response = await loadRequest(`${app.base}/health/live`);
      return response.status === 200;
    });
    const webhooks = await measure(async (i) => {
      const body = JSON.stringify(chargeEvent(run, i, chargeCreated, 'cus'));
      const signature = stripeSignatureHeader([secret], Math.floor(Date.now() / 1000), body);
      const response = await loadRequest(`${app.base}/webhooks/${COMPANY}/stripe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        body,
      });
      return response.status === 200 && response.text.includes('"recorded"');
    });
    const line = (label: string, r: Run) =>
      console.log(
        `  ${label} ${r.perSecond.toFixed(0)}/s achieved of ${RATE}/s offered (≤ ${IN_FLIGHT} in flight), ` +
          `${p50p99(r.latencies)}, ${r.failures} failed`,
      );
    line('baseline: GET /health/live   ', floor);
    line('signed webhook → new payment ', webhooks);
    console.log(`  webhook / floor rate: ${(webhooks.perSecond / floor.perSecond).toFixed(2)}×`);
    return verdict('webhooks recorded per second', webhooks.perSecond, 500, '/s', false);
  } finally {
    await processes.stopAppProcess(app);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
