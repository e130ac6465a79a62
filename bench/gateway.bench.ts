import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { deleteKeys } from '@cvf/cache/testing';
import { type Stack, startStack } from '@cvf/test-support/stack';
import { CashflowsController, TagWatcher } from '@cvf/gateway/testing';
import { withoutFrontDoor } from '@cvf/platform/testing';
import { verdict } from './harness';
import { type Load, openLoop, p50p99, percentile, send } from './load';

/**
 * The gateway's hot path and read-your-writes, in the all-in-one wiring (ingest, projector,
 * worker and gateway in this process) on a scratch database:
 * 1. `GET /companies/{id}/cashflows` of a company with 60 cohorts (2020-01 … 2024-12, each
 *    customer paying every month until 2024-12), served from Redis: autocannon, 64
 *    connections, 10 s, beside `redis-benchmark` GET at 64 clients in the same run.
 *    Target p99 ≤ 10 ms. Then 5 s on a one-cohort company: the same path with a small
 *    document, which shows what the request costs apart from moving the document.
 * 2. Freshness: payments posted at 500/s for 10 s through the ingest route into the
 *    60-cohort company; for each, the time from its 201 until the cached rollup reflects it
 *    (every 10th: until `GET /cashflows?min_position=<its position>` answers 200).
 *    Target p99 ≤ 250 ms.
 * 3. The front door's price: each document with a company API key (verified, rate limited)
 *    beside the same route switched to public and unthrottled, in the same process,
 *    alternated twice at 5 s each so drift hits both. Target: it costs ≤ 10% of the
 *    60-cohort document's throughput (the small document's share is printed beside it).
 */

const COMPANY = 'bench-co';
const SMALL_COMPANY = 'small-co';
const FIRST_COHORT = 2020 * 12;
const COHORTS = 60;
const CUSTOMERS_PER_COHORT = 12;
const LOAD_SECONDS = 10;
const CONNECTIONS = 64;
/** The freshness writes: as a client with CONNECTIONS connections. */
const WRITES: Load = { rate: 500, seconds: LOAD_SECONDS, inFlight: CONNECTIONS };
/** A write whose rollup is not tagged by then counts as failed (rather than hanging the run). */
const VISIBLE_TIMEOUT_MS = 10_000;

interface AutocannonResult {
  readonly requests: { readonly average: number; readonly total: number };
  readonly latency: { readonly p50: number; readonly p99: number };
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  workers?: number;
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;
// autocannon ships no types (and @types/autocannon is not a dependency): the slice used here.
const autocannon = createRequire(__filename)('autocannon') as Autocannon;

const month = (index: number) =>
  `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;

/** Terms through the command routes, payments as one CSV upload; returns the last position. */
async function loadCompany(base: string): Promise<string> {
  const company = `/companies/${COMPANY}`;
  await send(base, 'POST', '/companies', { id: COMPANY, name: 'Bench' });
  for (let i = 0; i < COHORTS; i++) {
    const cohort_month = month(FIRST_COHORT + i);
    await send(base, 'POST', `${company}/spends`, { cohort_month, planned_spend: '5000' });
    await send(base, 'POST', `${company}/trades`, {
      cohort_month,
      sharing_percentage: '0.35',
      cash_cap: '9000',
    });
  }
  for (const [period, minimum] of [
    [1, '0.05'],
    [3, '0.04'],
    [6, '0.03'],
  ] as const) {
    await send(base, 'POST', `${company}/thresholds`, {
      payment_period_month: period,
      minimum_payment_percent: minimum,
    });
  }
  const scenarios = { WORST: ['0.2', '0.15'], AVERAGE: ['0.3', '0.1'], BEST: ['0.4', '0.05'] };
  for (const [scenario, [m0, churn]] of Object.entries(scenarios)) {
    await send(base, 'PUT', `${company}/predictions/${scenario}`, { m0, churn });
  }
  const rows = ['customer_id,payment_date,amount'];
  for (let c = 0; c < COHORTS; c++) {
    for (let k = 0; k < CUSTOMERS_PER_COHORT; k++) {
      for (let m = FIRST_COHORT + c; m < FIRST_COHORT + COHORTS; m++) {
        rows.push(
          `cus_${c}_${k},${month(m)}-${String(1 + ((c + k) % 28)).padStart(2, '0')},${20 + ((c * 7 + k * 3 + m) % 40)}.${String((c + k) % 100).padStart(2, '0')}`,
        );
      }
    }
  }
  const form = new FormData();
  form.append('file', new Blob([rows.join('\n')], { type: 'text/csv' }), 'payments.csv');
  const upload = await fetch(`${base}${company}/payments/upload`, { method: 'POST', body: form });
  const result = (await upload.json()) as { position?: string; recorded?: number };
  if (upload.status !== 200 || !result.position) throw new Error(JSON.stringify(result));
  console.log(`  loaded ${COHORTS} cohorts, ${result.recorded} payments`);
  return result.position;
}

/** GET cashflows once they reflect `position` (retrying 503s): the loaded company's document. */
async function cashflowsAt(base: string, companyId: string, position: string) {
  for (let attempt = 0; attempt < 20; attempt++) {
    const response = await fetch(
      `${base}/companies/${companyId}/cashflows?min_position=${encodeURIComponent(position)}`,
    );
    const body = await response.arrayBuffer();
    if (response.status === 200) return body.byteLength;
    if (response.status !== 503) throw new Error(`GET cashflows → ${response.status}`);
  }
  throw new Error('the loaded company was not computed in 100 s');
}

/** `redis-benchmark -q -t get -n 200000 -c 64` → requests per second. */
function redisGetBaseline(redisUrl: string): Promise<number> {
  const url = new URL(redisUrl);
  const args = `-q -t get -n 200000 -c 64 -p ${url.port || '6379'} -h ${url.hostname}`.split(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('redis-benchmark', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', () => {
      const match = /GET: ([\d.]+) requests per second/.exec(output);
      if (match?.[1]) resolve(Number(match[1]));
      else reject(new Error(`redis-benchmark printed no figure: ${output.slice(-200)}`));
    });
  });
}

/**
 * Payments posted on the WRITES schedule (at most 64 in flight, as a client with 64
 * connections) into the last cohort of the loaded company. For every write: the time from
 * its 201 until the cached rollup reflects it; for every 10th also until
 * `GET /cashflows?min_position=` answers 200 (the full user-visible path).
 */
async function measureFreshness(base: string, watcher: TagWatcher, key: string) {
  const tagged: number[] = [];
  const served: number[] = [];
  const writes: number[] = [];
  let failures = 0;
  const company = `/companies/${COMPANY}`;
  const writeThenRead = async (i: number) => {
    const posted = performance.now();
    const write = await fetch(`${base}${company}/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({
        payment_id: `fresh-${i}`,
        customer_id: `fresh_${i % 50}`,
        payment_date: `${month(FIRST_COHORT + COHORTS - 1)}-15`,
        amount: '12.34',
      }),
    });
    const { position } = (await write.json()) as { position?: string };
    if (write.status !== 201 || !position) return void (failures += 1);
    const written = performance.now();
    writes.push(written - posted);
    const reads: Promise<void>[] = [
      watcher
        .reached(position, VISIBLE_TIMEOUT_MS)
        .then(() => void tagged.push(performance.now() - written)),
    ];
    if (i % 10 === 0) {
      reads.push(
        fetch(`${base}${company}/cashflows?min_position=${encodeURIComponent(position)}`, {
          headers: { authorization: `Bearer ${key}` },
        }).then(async (read) => {
          await read.arrayBuffer();
          if (read.status === 200) served.push(performance.now() - written);
          else failures += 1;
        }),
      );
    }
    await Promise.all(reads);
  };
  const { issued: total, issuedPerSecond } = await openLoop(WRITES, (i) =>
    writeThenRead(i).catch(() => void (failures += 1)),
  );
  for (const list of [tagged, served, writes]) list.sort((a, b) => a - b);
  return { tagged, served, writes, failures, total, issuedPerSecond };
}

/** A company API key (made as the stack's admin, which requests without a key act as). */
async function companyKey(base: string, companyId: string): Promise<string> {
  const { key } = (await send(base, 'POST', '/api-keys', {
    role: 'company',
    company_id: companyId,
    name: 'gateway bench',
  })) as { key?: string };
  if (typeof key !== 'string') throw new Error('could not create the bench API key');
  return key;
}

/** autocannon at 64 connections (its own thread): prints and returns the figures. */
async function loadTest(url: string, seconds: number, key: string, label = '') {
  const headers = { authorization: `Bearer ${key}` };
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    workers: 1,
    headers,
  });
  const bytes = (await (await fetch(url, { headers })).arrayBuffer()).byteLength;
  const failed = result.errors + result.timeouts + result.non2xx;
  console.log(
    `  GET ${new URL(url).pathname} (${(bytes / 1024).toFixed(1)} KiB): ` +
      `${result.requests.average.toFixed(0)} req/s, p50 ${result.latency.p50} ms, ` +
      `p99 ${result.latency.p99} ms, ${failed} failed (${CONNECTIONS} connections, ${seconds} s)` +
      (label ? `, ${label}` : ''),
  );
  return { ...result, failed };
}

/** A one-cohort company (a document of ~1 KiB), computed before returning. */
async function loadSmallCompany(base: string): Promise<void> {
  const company = `/companies/${SMALL_COMPANY}`;
  await send(base, 'POST', '/companies', { id: SMALL_COMPANY, name: 'Small' });
  await send(base, 'POST', `${company}/spends`, { cohort_month: '2024-01', planned_spend: '900' });
  await send(base, 'POST', `${company}/trades`, {
    cohort_month: '2024-01',
    sharing_percentage: '0.5',
    cash_cap: '800',
  });
  const { position } = await send(base, 'POST', `${company}/payments`, {
    customer_id: 'c1',
    payment_date: '2024-01-10',
    amount: '300',
  });
  await cashflowsAt(base, SMALL_COMPANY, String(position));
}

/**
 * One route with its front door (bearer verification, per-principal rate limit) and without
 * it, alternated: on, off, on, off at 5 s each. Returns the share of throughput lost.
 */
async function priceFrontDoor(url: string, key: string): Promise<{ cost: number; failed: number }> {
  const on: number[] = [];
  const off: number[] = [];
  let failed = 0;
  for (let round = 0; round < 2; round++) {
    const withKey = await loadTest(url, 5, key, 'with its company key');
    const open = await withoutFrontDoor(CashflowsController.prototype.actual, () =>
      loadTest(url, 5, key, 'public, unthrottled'),
    );
    on.push(withKey.requests.average);
    off.push(open.requests.average);
    failed += withKey.failed + open.failed;
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const cost = (100 * (mean(off) - mean(on))) / mean(off);
  console.log(
    `  → authenticated ${mean(on).toFixed(0)} req/s beside ${mean(off).toFixed(0)} req/s ` +
      `without the front door (baseline, same run): ${cost.toFixed(1)}% of throughput`,
  );
  return { cost, failed };
}

export async function gatewayBench(): Promise<boolean> {
  console.log(
    '\nGateway: cached cashflows under load, and read-your-writes freshness ' +
      `(${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)})`,
  );
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const name = `cvf_bench_gateway_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${name}`;
  let stack: Stack | null = null;
  try {
    stack = await startStack({
      databaseUrl: databaseUrl.toString(),
      redisUrl,
      label: 'bench-gateway',
      poolSize: 24,
      // The service as deployed: no test-time check of every answer against the document.
      checkContract: false,
    });
    const base = await stack.listen();
    await cashflowsAt(base, COMPANY, await loadCompany(base));

    // Measured as a portfolio company would call: its own API key, verified on every request
    // (PostgreSQL behind a one-second cache) and counted by the rate limiter in Redis.
    const key = await companyKey(base, COMPANY);
    const big = await loadTest(`${base}/companies/${COMPANY}/cashflows`, LOAD_SECONDS, key);
    const redisGets = await redisGetBaseline(redisUrl);
    console.log(
      `  redis-benchmark GET (64 clients): ${redisGets.toFixed(0)} req/s; gateway/redis = ` +
        `${(big.requests.average / redisGets).toFixed(3)}`,
    );
    const fastEnough = verdict('GET /cashflows p99 at 64 connections', big.latency.p99, 10, 'ms');
    await loadSmallCompany(base);
    const small = await loadTest(
      `${base}/companies/${SMALL_COMPANY}/cashflows`,
      5,
      await companyKey(base, SMALL_COMPANY),
    );

    console.log('  the front door: each document with a company key, then public and unthrottled');
    const bigDoor = await priceFrontDoor(`${base}/companies/${COMPANY}/cashflows`, key);
    const smallDoor = await priceFrontDoor(
      `${base}/companies/${SMALL_COMPANY}/cashflows`,
      await companyKey(base, SMALL_COMPANY),
    );
    // The target is judged on the benchmark's route (the 60-cohort document); the small
    // document, where a request is little else, shows the worst case beside it.
    const priced =
      verdict('front door cost, 60-cohort document', bigDoor.cost, 10, '% of throughput') &&
      bigDoor.failed + smallDoor.failed === 0;

    const watcher = new TagWatcher(stack.redis, stack.cache.prefix, COMPANY);
    const fresh = await measureFreshness(base, watcher, key).finally(() => watcher.close());
    console.log(
      `  freshness: ${fresh.total} payments issued at ${fresh.issuedPerSecond.toFixed(0)}/s ` +
        `(≤ ${CONNECTIONS} in flight), ${fresh.failures} failed; write → 201: ${p50p99(fresh.writes)}`,
    );
    console.log(
      `  201 → rollup reflects it: ${p50p99(fresh.tagged)}; ` +
        `201 → GET ?min_position 200 (every 10th): ${p50p99(fresh.served)}`,
    );
    const p99 = Math.max(percentile(fresh.tagged, 99), percentile(fresh.served, 99));
    const freshEnough =
      verdict('read-your-writes p99 at 500 writes/s', p99, 250, 'ms') && fresh.failures === 0;
    return fastEnough && freshEnough && priced && big.failed + small.failed === 0;
  } finally {
    await stack?.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    if (stack) {
      const redis = new Redis(redisUrl);
      await deleteKeys(redis, `${stack.cache.prefix}:*`);
      await deleteKeys(redis, `bull:${stack.cache.queueName}:*`);
      redis.disconnect();
    }
  }
}
