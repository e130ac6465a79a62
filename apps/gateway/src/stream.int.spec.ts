import {
  ALERT_PUBLISHER,
  type AlertPublisher,
  type BreachAlert,
  compareAlertLogIds,
  RECOMPUTE_QUEUE,
  type RecomputeQueue,
} from '@cvf/cache';
import { type CashflowDocument, paymentStreamId } from '@cvf/domain';
import { comparePositions, decodePosition } from '@cvf/event-store';
import { RedisAlertSource } from './alerts/redis-alert-source';
import { call, withMin, write } from './testing/gateway-http';
import { type GatewayTestApp, startGatewayTestApp } from './testing/gateway-test-app';
import { readUntil, type SseEvent, SseTranscript } from './testing/sse-reader';

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
    // The event id is the alert's id in the alert log (ordered), also in the data as log_id.
    expect(block?.[1]).toMatch(/^\d+-\d+$/);
    expect(JSON.parse(block?.[2] ?? '{}')).toMatchObject({
      alert_id: 'breach:sse-co:2020-01-01:1',
      log_id: block?.[1],
      type: 'ThresholdBreached',
      change: 'raised',
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
    const stream = await SseTranscript.open(`${base}/breaches/stream`);
    expect(stream.response.status).toBe(200);
    try {
      await stream.until((t) => /: alerts of every company\n\n/.test(t.text));
      const publisher = stack.app.get<AlertPublisher>(ALERT_PUBLISHER);
      await publisher.publish([breachOf('north-co'), breachOf('south-co')]);
      const events = (await stream.untilEvents(2)).events();
      expect(events.map((e) => alertOf(e).alert_id)).toEqual([
        'breach:north-co:2020-01-01:1',
        'breach:south-co:2020-01-01:1',
      ]);
      expect(compareAlertLogIds(events[0]!.id!, events[1]!.id!)).toBeLessThan(0);
    } finally {
      await stream.close();
    }
  });
});

/** A breach alert of the company, as the worker publishes it. */
const breachOf = (company_id: string): BreachAlert => ({
  alert_id: `breach:${company_id}:2020-01-01:1`,
  type: 'ThresholdBreached',
  change: 'raised',
  company_id,
  cohort_month: '2020-01-01',
  period: 1,
  month: '2020-02-01',
  ratio: '0.100000',
  minimum: '0.25',
  position: '1:1',
  detected_at: new Date().toISOString(),
});
const alertOf = (event: SseEvent) => event.data as BreachAlert & { log_id: string };
/** What a client would show: the alert, whether raised or updated, and its ratio. */
const shown = (events: readonly SseEvent[]) =>
  events.map((e) => `${alertOf(e).cohort_month} ${alertOf(e).change} ${alertOf(e).ratio}`);

describe('resuming a breach stream (Last-Event-ID)', () => {
  const company = '/companies/resume-co';
  const pay = (payment_id: string, payment_date: string, amount: string, customer_id: string) =>
    write(stack.app, 'POST', `${company}/payments`, {
      payment_id,
      customer_id,
      payment_date,
      amount,
    });
  let witness: SseTranscript;

  beforeAll(async () => {
    await write(stack.app, 'POST', '/companies', { id: 'resume-co', name: 'Resume' });
    for (const cohort_month of ['2020-01', '2020-03', '2020-05']) {
      await write(stack.app, 'POST', `${company}/spends`, { cohort_month, planned_spend: '1000' });
      await write(stack.app, 'POST', `${company}/trades`, {
        cohort_month,
        sharing_percentage: '0.8',
        cash_cap: '500',
      });
    }
    await write(stack.app, 'POST', `${company}/thresholds`, {
      payment_period_month: 1,
      minimum_payment_percent: '0.25',
    });
    // A client that stays connected throughout: what it sees is the log's order.
    witness = await SseTranscript.open(`${base}${company}/breaches/stream`);
    await witness.until((t) => t.lastEventId !== undefined);
  });
  afterAll(() => witness?.close());

  it('given a client away while breaches were raised, when it reconnects with Last-Event-ID, then it gets exactly those, then live ones and updates', async () => {
    // Connected, then gone: it keeps the id it was last sent (an `id:` of its own, no event).
    const away = await SseTranscript.open(`${base}${company}/breaches/stream`);
    const resumeFrom = (await away.until((t) => t.lastEventId !== undefined)).lastEventId!;
    await away.close();

    await pay('a0', '2020-01-01', '200', 'c1');
    await pay('a1', '2020-02-01', '100', 'c1'); // 2020-01, period 1: 100 / 1000
    await pay('b0', '2020-03-01', '200', 'c2');
    await pay('b1', '2020-04-01', '50', 'c2'); // 2020-03, period 1: 50 / 1000
    const missed = (await witness.untilEvents(2)).events();
    expect(shown(missed).sort()).toEqual([
      '2020-01-01 raised 0.100000',
      '2020-03-01 raised 0.050000',
    ]);

    const back = await SseTranscript.open(`${base}${company}/breaches/stream`, {
      'Last-Event-ID': resumeFrom,
    });
    try {
      expect(back.response.status).toBe(200);
      await back.untilEvents(2);
      expect(back.text).toContain(`: resending the alerts after ${resumeFrom}\n\n`);
      expect(back.events()).toEqual(missed);

      // Then live: a new breach, and the first one again with a higher ratio (still short).
      await pay('c0', '2020-05-01', '200', 'c3');
      await pay('c1', '2020-06-01', '10', 'c3'); // 2020-05, period 1: 10 / 1000
      await witness.untilEvents(3);
      await pay('a2', '2020-02-20', '50', 'c1'); // 2020-01, period 1: 150 / 1000
      const all = (await back.untilEvents(4)).events();
      expect(shown(all)).toEqual([
        ...shown(missed),
        '2020-05-01 raised 0.010000',
        '2020-01-01 updated 0.150000',
      ]);
      // Updated: the same alert, a later event.
      expect(alertOf(all[3]!).alert_id).toBe('breach:resume-co:2020-01-01:1');
      for (let i = 1; i < all.length; i++) {
        expect(compareAlertLogIds(all[i - 1]!.id!, all[i]!.id!)).toBeLessThan(0);
      }
      expect((await witness.untilEvents(4)).events()).toEqual(all);
    } finally {
      await back.close();
    }
  }, 30_000);

  it('given last_event_id in the query (no header), then it resumes after it; the header wins over it', async () => {
    const all = witness.events();
    expect(all).toHaveLength(4);
    const fromQuery = await SseTranscript.open(
      `${base}${company}/breaches/stream?last_event_id=${all[1]!.id!}`,
    );
    const both = await SseTranscript.open(
      `${base}${company}/breaches/stream?last_event_id=${all[0]!.id!}`,
      { 'Last-Event-ID': all[2]!.id! },
    );
    try {
      await fromQuery.untilEvents(2);
      await both.untilEvents(1);
      await Promise.all([fromQuery, both].map((s) => s.until((t) => t.lastEventId === all[3]!.id)));
      expect(fromQuery.events()).toEqual(all.slice(2));
      expect(both.events()).toEqual(all.slice(3));
    } finally {
      await Promise.all([fromQuery.close(), both.close()]);
    }
  });

  it('given an id the log does not know (newer than it), then every alert it keeps is resent', async () => {
    const all = witness.events();
    const unknown = await SseTranscript.open(`${base}${company}/breaches/stream`, {
      'Last-Event-ID': '99999999999999-0',
    });
    try {
      expect(unknown.response.status).toBe(200);
      await unknown.untilEvents(all.length);
      expect(unknown.text).toContain(
        ': 99999999999999-0 is not in the alert log: resending every alert it keeps\n\n',
      );
      expect(unknown.events()).toEqual(all);
    } finally {
      await unknown.close();
    }
  });

  it('then the OpenAPI document declares Last-Event-ID (header and query) on both streams', async () => {
    const document = (await (await fetch(`${base}/docs/openapi.json`)).json()) as {
      paths: Record<string, { get: { parameters: { name: string; in: string }[] } }>;
    };
    for (const path of ['/companies/{companyId}/breaches/stream', '/breaches/stream']) {
      const parameters = document.paths[path]?.get.parameters ?? [];
      expect(parameters.map((p) => `${p.in} ${p.name}`)).toEqual(
        expect.arrayContaining(['header Last-Event-ID', 'query last_event_id']),
      );
    }
  });

  it('given a malformed Last-Event-ID, then 400 naming it, before any stream opens', async () => {
    for (const path of [`${company}/breaches/stream`, '/breaches/stream']) {
      const response = await fetch(`${base}${path}`, { headers: { 'Last-Event-ID': 'yesterday' } });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/json/);
      expect(await response.json()).toMatchObject({
        error: 'validation_failed',
        issues: [{ field: 'Last-Event-ID' }],
      });
    }
    const query = await fetch(`${base}${company}/breaches/stream?last_event_id=1-2-3`);
    expect(query.status).toBe(400);
    expect(await query.json()).toMatchObject({ issues: [{ field: 'last_event_id' }] });
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
