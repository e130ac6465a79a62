import { RECOMPUTE_QUEUE, type RecomputeQueue } from '@cvf/cache';
import { type CashflowDocument, paymentStreamId } from '@cvf/domain';
import { comparePositions, decodePosition } from '@cvf/event-store';
import { RedisAlertSource } from './alerts/redis-alert-source';
import { call, withMin, write } from './testing/gateway-http';
import { type GatewayTestApp, startGatewayTestApp } from './testing/gateway-test-app';
import { readUntil } from './testing/sse-reader';

/**
 * The live alert stream (SSE over a real socket), the audit trail of the event log, and
 * read-your-writes while the recompute worker takes no jobs.
 */
let stack: GatewayTestApp;
let base: string;

beforeAll(async () => {
  stack = await startGatewayTestApp('gateway_stream');
  base = await stack.listen();
}, 30_000);
afterAll(() => stack?.close());

describe('GET /companies/:id/breaches/stream', () => {
  it('given a subscriber, when payments breach a threshold, then it receives ThresholdBreached with the alert id', async () => {
    await write(stack.app, 'POST', '/companies', { id: 'sse-co', name: 'SSE' });
    const company = '/companies/sse-co';
    await write(stack.app, 'POST', `${company}/spends`, {
      cohort_month: '2020-01',
      planned_spend: '1000',
    });
    await write(stack.app, 'POST', `${company}/trades`, {
      cohort_month: '2020-01',
      sharing_percentage: '0.8',
      cash_cap: '500',
    });
    const terms = await write(stack.app, 'POST', `${company}/thresholds`, {
      payment_period_month: 1,
      minimum_payment_percent: '0.25',
    });

    const aborter = new AbortController();
    const response = await fetch(`${base}${withMin(`${company}/breaches/stream`, terms)}`, {
      signal: aborter.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('x-log-position')).toMatch(/^\d+:\d+$/);
    const reader = response.body!.getReader();
    // The first bytes come once the subscription is live.
    expect(await readUntil(reader, /: alerts of sse-co\n\n/)).toMatch(/^retry: 3000\n\n/);

    // Noise on the channel (another company, a malformed message) must not reach or break it.
    await stack.redis.publish(stack.cache.alertsChannel, 'not json');
    await stack.redis.publish(
      stack.cache.alertsChannel,
      JSON.stringify({ alert_id: 'x', type: 'ThresholdBreached', company_id: 'other' }),
    );
    for (const [payment_id, payment_date, amount] of [
      ['p1', '2020-01-01', '200'],
      ['p2', '2020-02-01', '100'],
    ]) {
      await write(stack.app, 'POST', `${company}/payments`, {
        payment_id,
        customer_id: 'c1',
        payment_date,
        amount,
      });
    }

    const text = await readUntil(reader, /event: ThresholdBreached\ndata: .*\n\n/);
    const block = /id: (.*)\nevent: ThresholdBreached\ndata: (.*)\n\n/.exec(text);
    expect(block?.[1]).toBe('breach:sse-co:2020-01-01:1');
    expect(JSON.parse(block?.[2] ?? '{}')).toMatchObject({
      alert_id: 'breach:sse-co:2020-01-01:1',
      type: 'ThresholdBreached',
      company_id: 'sse-co',
      cohort_month: '2020-01-01',
      period: 1,
      ratio: '0.100000',
      minimum: '0.25',
    });
    expect(text).not.toMatch(/"company_id":"other"/);

    const source = stack.app.get(RedisAlertSource);
    expect(source.listenerCount()).toBe(1);
    aborter.abort();
    await reader.cancel().catch(() => undefined);
    const deadline = Date.now() + 5_000;
    while (source.listenerCount() > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(source.listenerCount()).toBe(0);
  }, 20_000);

  it('given an unknown company, then 404 before any stream opens', async () => {
    const response = await fetch(`${base}/companies/nobody/breaches/stream`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toBe('not_found');
  });

  it("given the fund's stream of every company, then alerts of each company reach it", async () => {
    const aborter = new AbortController();
    const response = await fetch(`${base}/breaches/stream`, { signal: aborter.signal });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    try {
      await readUntil(reader, /: alerts of every company\n\n/);
      for (const company_id of ['north-co', 'south-co']) {
        const alert = {
          alert_id: `breach:${company_id}:2020-01-01:1`,
          type: 'ThresholdBreached',
          company_id,
        };
        await stack.redis.publish(stack.cache.alertsChannel, JSON.stringify(alert));
      }
      const text = await readUntil(reader, /id: breach:south-co:2020-01-01:1\n/);
      expect([...text.matchAll(/^id: (.*)$/gm)].map((m) => m[1])).toEqual([
        'breach:north-co:2020-01-01:1',
        'breach:south-co:2020-01-01:1',
      ]);
    } finally {
      aborter.abort();
      await reader.cancel().catch(() => undefined);
    }
  });
});

interface AuditItem {
  position: string;
  stream_id: string;
  stream_version: number;
  type: string;
  data: Record<string, unknown>;
  metadata: { company_id: string; actor: string };
}
interface AuditPage {
  data: AuditItem[];
  next_cursor: string | null;
}

describe('GET /companies/:id/events', () => {
  let last: string;
  const company = '/companies/audit-co';

  beforeAll(async () => {
    await write(stack.app, 'POST', '/companies', { id: 'audit-co', name: 'Audit' });
    await write(stack.app, 'POST', `${company}/spends`, {
      cohort_month: '2021-03',
      planned_spend: '10',
    });
    await write(stack.app, 'POST', `${company}/payments`, {
      payment_id: 'a1',
      customer_id: 'c',
      payment_date: '2021-03-02',
      amount: '5',
    });
    await write(stack.app, 'POST', '/companies', { id: 'bystander', name: 'Other' });
    last = await write(stack.app, 'POST', `${company}/payments/a1/refunds`, { amount: '1.50' });
  });

  it('then every event of the company and its payment streams comes in log order, as recorded', async () => {
    const reply = await call<AuditPage>(stack.app, 'GET', withMin(`${company}/events`, last));
    expect(reply.status).toBe(200);
    const events = reply.body.data;
    expect(events.map((e) => [e.type, e.stream_id, e.stream_version])).toEqual([
      ['CompanyRegistered', 'company-audit-co', 1],
      ['SpendPlanned', 'company-audit-co', 2],
      ['PaymentRecorded', paymentStreamId('audit-co', 'a1'), 1],
      ['PaymentRefunded', paymentStreamId('audit-co', 'a1'), 2],
    ]);
    for (let i = 1; i < events.length; i++) {
      const order = comparePositions(
        decodePosition(events[i - 1]!.position),
        decodePosition(events[i]!.position),
      );
      expect(order).toBeLessThan(0);
    }
    expect(events[3]?.position).toBe(last);
    expect(events[3]?.data).toMatchObject({ payment_id: 'a1', amount: '1.50' });
    expect(
      events.every(
        (e) =>
          e.metadata.company_id === 'audit-co' && e.metadata.actor === 'key:config-admin:admin',
      ),
    ).toBe(true);
    const horizon = decodePosition(String(reply.headers['x-log-position']));
    expect(comparePositions(horizon, decodePosition(last))).toBeGreaterThanOrEqual(0);
    expect(reply.body.next_cursor).toBeNull();
  });

  it('when paged two at a time, newest first, then the pages hold the same events reversed', async () => {
    const ascending = (await call<AuditPage>(stack.app, 'GET', `${company}/events`)).body.data;
    const seen: AuditItem[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${cursor}`;
      const page: AuditPage = (
        await call<AuditPage>(stack.app, 'GET', `${company}/events?order=desc&limit=2${query}`)
      ).body;
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data);
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(seen).toEqual([...ascending].reverse());
  });
});

describe('read-your-writes while the worker takes no jobs', () => {
  it('given the recompute queue paused, then a read waits 1 s and the gateway recomputes itself', async () => {
    const queue = stack.app.get<RecomputeQueue>(RECOMPUTE_QUEUE);
    await write(stack.app, 'POST', '/companies', { id: 'lagging', name: 'Lagging' });
    const first = await write(stack.app, 'POST', '/companies/lagging/payments', {
      payment_id: 'l1',
      customer_id: 'c',
      payment_date: '2022-01-03',
      amount: '10',
    });
    expect(
      (await call(stack.app, 'GET', withMin('/companies/lagging/cashflows', first))).status,
    ).toBe(200);
    await queue.pause();
    try {
      const second = await write(stack.app, 'POST', '/companies/lagging/payments', {
        payment_id: 'l2',
        customer_id: 'c',
        payment_date: '2022-02-03',
        amount: '15',
      });
      const started = Date.now();
      const reply = await call<CashflowDocument>(
        stack.app,
        'GET',
        withMin('/companies/lagging/cashflows', second),
      );
      expect(reply.status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(reply.body.cohorts[0]?.cumulative_payment).toBe('25.00');
    } finally {
      await queue.resume();
    }
  }, 15_000);
});
