import { ADMIN_HEADERS } from '@cvf/platform/testing';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * What the benches that drive running services share: their JSON requests, the open-loop load
 * schedule and the percentiles of what it measured.
 */

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The value at percentile `p` of a list sorted ascending (NaN for an empty list). */
export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** `p50 … ms, p99 … ms` of a list of milliseconds sorted ascending. */
export const p50p99 = (sorted: readonly number[]): string =>
  `p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms`;

/** A request with a JSON body (multipart for a FormData one, none without), as the test admin
 * (every bench process runs with the test credentials); returns the JSON answer, throws on a
 * status of 300 or more. */
export async function send(
  base: string,
  method: string,
  path: string,
  body?: object,
): Promise<Record<string, unknown>> {
  const form = body instanceof FormData;
  const response = await fetch(`${base}${path}`, {
    method,
    headers:
      body && !form ? { ...ADMIN_HEADERS, 'content-type': 'application/json' } : ADMIN_HEADERS,
    body: form ? body : body && JSON.stringify(body),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (response.status >= 300) throw new Error(`${method} ${path}: ${JSON.stringify(answer)}`);
  return answer;
}

export const post = (base: string, path: string, body?: object) => send(base, 'POST', path, body);

// One pool of kept-alive sockets for the load itself: node:http costs the load generator far
// less CPU per request than fetch, and on 2 cores its CPU is taken from the services measured.
const agent = new Agent({ keepAlive: true, maxSockets: 128 });

/** A request of the load: status and body text (the body is read to the end). */
export function loadRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, agent });
    req.once('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('error', reject);
      res.once('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.end(options.body);
  });
}

/** An open-loop load: `rate` requests a second for `seconds`, at most `inFlight` pending. */
export interface Load {
  readonly rate: number;
  readonly seconds: number;
  readonly inFlight: number;
}

/**
 * Issues request `i` (0 … rate × seconds − 1) at i / rate seconds from the start, or as soon
 * after as fewer than `inFlight` are pending, then waits for all of them. `issue` counts its own
 * failures: a request that rejects ends the load with its error. Returns how many were issued
 * and the rate they were issued at (up to the last one sent, not the last one answered).
 */
export async function openLoop(
  load: Load,
  issue: (i: number) => Promise<unknown>,
): Promise<{ issued: number; issuedPerSecond: number }> {
  const issued = load.rate * load.seconds;
  const pending = new Set<Promise<unknown>>();
  const started = performance.now();
  for (let i = 0; i < issued; i++) {
    const wait = started + (i * 1000) / load.rate - performance.now();
    if (wait >= 1) await sleep(wait);
    while (pending.size >= load.inFlight) await Promise.race(pending);
    const request = issue(i);
    pending.add(request);
    const settled = () => void pending.delete(request);
    void request.then(settled, settled);
  }
  const issuedPerSecond = issued / ((performance.now() - started) / 1000);
  await Promise.all(pending);
  return { issued, issuedPerSecond };
}

/** The Stripe event of webhook `i`: a captured charge of 12.34 USD (1234 minor units). */
export const chargeEvent = (run: string, i: number, created: number, customers: string) => ({
  id: `evt_${run}_${i}`,
  object: 'event',
  type: 'charge.succeeded',
  created,
  data: {
    object: {
      ...{ id: `ch_${run}_${i}`, object: 'charge', amount: 1234, currency: 'usd' },
      ...{ customer: `${customers}_${i % 50}`, captured: true, created },
    },
  },
});
