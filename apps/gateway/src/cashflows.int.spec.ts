import { type CashflowDocument, type CohortDocument } from '@cvf/domain';
import { comparePositions, decodePosition } from '@cvf/event-store';
import { deleteKeys } from '@cvf/cache/testing';
import { call, withMin, write } from './testing/gateway-http';
import { type GatewayTestApp, startGatewayTestApp } from './testing/gateway-test-app';
import { cliDocument, writeWorkedExample } from './testing/worked-example';

/**
 * DOMAIN.md's worked example end to end in one process: written through the ingest routes,
 * projected, recomputed by the worker into Redis, read back through the gateway with
 * read-your-writes. The numbers are DOMAIN.md's; the documents are what `cvf compute` prints
 * for the same data, to the byte (less the CLI's indentation).
 */
let stack: GatewayTestApp;
let position: string;
const company = '/companies/acme';

beforeAll(async () => {
  stack = await startGatewayTestApp('gateway_cashflows');
  position = await writeWorkedExample(stack.app, 'acme');
}, 30_000);
afterAll(() => stack?.close());

const payments = (cohort: CohortDocument | undefined) => cohort?.periods.map((p) => p.payment);
const cohortOf = (document: CashflowDocument, month: string) =>
  document.cohorts.find((c) => c.cohort_month === month);

describe('the actual view, read your writes', () => {
  it('given the worked example, then GET /cashflows?min_position is the CLI’s document with DOMAIN.md numbers', async () => {
    const reply = await call<CashflowDocument>(
      stack.app,
      'GET',
      withMin(`${company}/cashflows`, position),
    );
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    const served = decodePosition(String(reply.headers['x-log-position']));
    expect(comparePositions(served, decodePosition(position))).toBeGreaterThanOrEqual(0);
    expect(reply.body.monthly_collections).toEqual([
      { month: '2020-01-01', amount: '160.00' },
      { month: '2020-02-01', amount: '420.00' },
      { month: '2020-03-01', amount: '80.00' },
      { month: '2020-04-01', amount: '250.00' },
    ]);
    expect(reply.body.breaches).toEqual([
      {
        cohort_month: '2020-01-01',
        period: 1,
        month: '2020-02-01',
        ratio: '0.100000',
        minimum: '0.25',
      },
    ]);
    expect(reply.text).toBe(cliDocument());
  });

  it('then owed for 2020-02 is 420.00, and 0.00 for a month where nothing falls', async () => {
    const owed = await call(stack.app, 'GET', `${company}/owed?month=2020-02`);
    expect(owed.status).toBe(200);
    expect(owed.body).toEqual({ month: '2020-02-01', currency: 'USD', owed: '420.00' });
    expect(owed.headers['x-log-position']).toMatch(/^\d+:\d+$/);
    const none = await call(stack.app, 'GET', `${company}/owed?month=2021-07-01`);
    expect(none.body).toEqual({ month: '2021-07-01', currency: 'USD', owed: '0.00' });
  });

  it('then the cohorts table is DOMAIN.md’s', async () => {
    const reply = await call(stack.app, 'GET', `${company}/cohorts_table`);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      currency: 'USD',
      periods: [0, 1],
      cohorts: [
        {
          cohort_month: '2020-01-01',
          customer_count: 1,
          last_actual_period: 1,
          payments: ['200.00', '100.00'],
          total: '300.00',
        },
        {
          cohort_month: '2020-02-01',
          customer_count: 1,
          last_actual_period: 1,
          payments: ['400.00', '300.00'],
          total: '700.00',
        },
        {
          cohort_month: '2020-04-01',
          customer_count: 1,
          last_actual_period: 0,
          payments: ['500.00'],
          total: '500.00',
        },
      ],
    });
  });

  it('then breaches and metrics come from the same results', async () => {
    const breaches = await call(stack.app, 'GET', `${company}/breaches`);
    expect(breaches.body).toEqual({
      data: [
        {
          cohort_month: '2020-01-01',
          period: 1,
          month: '2020-02-01',
          ratio: '0.100000',
          minimum: '0.25',
        },
      ],
    });
    const metrics = await call(stack.app, 'GET', `${company}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatchObject({
      breaches_count: 1,
      total_investment: '2100.00',
      total_collected: '910.00',
      moic_to_date: '0.433333',
      cac_estimate: '1000.00',
      ltv_estimate: '500.00',
      ltv_scenario: null,
      cohorts_count: 3,
      capped_cohorts_count: 1,
      owed_this_month: '0.00',
    });
    expect(metrics.body.owed_by_month).toHaveLength(4);
  });
});

describe('predicted views', () => {
  let best: CashflowDocument;

  beforeAll(async () => {
    const at = await write(stack.app, 'PUT', `${company}/predictions/BEST`, {
      m0: '0.4',
      churn: '0.1',
    });
    const reply = await call<CashflowDocument>(
      stack.app,
      'GET',
      withMin(`${company}/cashflows/predicted?scenario=BEST`, at),
    );
    expect(reply.status).toBe(200);
    best = reply.body;
    expect(reply.text).toBe(cliDocument('--m0', '0.4', '--churn', '0.1', '--horizon', '36'));
  });

  it('given BEST (m0 0.4, churn 0.1), then 2020-01 predicts 90.00, 81.00, 72.90 from period 2 and 2020-04 450.00, 405.00 from period 1', () => {
    const january = cohortOf(best, '2020-01-01');
    expect(payments(january)?.slice(0, 5)).toEqual(['200.00', '100.00', '90.00', '81.00', '72.90']);
    expect(january?.periods[2]?.predicted).toBe(true);
    expect(payments(cohortOf(best, '2020-04-01'))?.slice(0, 3)).toEqual([
      '500.00',
      '450.00',
      '405.00',
    ]);
  });

  it('when POSTed the same assumptions, then the document computed on the fly is the cached one', async () => {
    for (const body of [
      { churn: 0.1, m0: 0.4 },
      { churn: '0.1', scenario: 'BEST' },
      { churn: '0.1', m0: '0.4', horizon_months: 36 },
    ]) {
      const reply = await call<CashflowDocument>(
        stack.app,
        'POST',
        `${company}/cashflows/predicted`,
        body,
      );
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual(best);
      expect(reply.headers['x-log-position']).toMatch(/^\d+:\d+$/);
    }
  });

  it('when POSTed a shorter horizon, then cohorts with payments are predicted up to it', async () => {
    const reply = await call<CashflowDocument>(
      stack.app,
      'POST',
      `${company}/cashflows/predicted`,
      {
        churn: '0.5',
        m0: '0',
        horizon_months: 3,
      },
    );
    expect(reply.status).toBe(200);
    expect(payments(cohortOf(reply.body, '2020-01-01'))).toEqual(['200.00', '100.00', '50.00']);
  });

  it('given no WORST assumptions, then GET names the scenario in a 404', async () => {
    const reply = await call(stack.app, 'GET', `${company}/cashflows/predicted?scenario=WORST`);
    expect(reply.status).toBe(404);
    expect(reply.body.message).toMatch(/WORST/);
  });

  it('given neither the scenario nor AVERAGE has assumptions, then POST with churn alone predicts every cohort that has payments, as with any m0', async () => {
    const churnOnly = await call(stack.app, 'POST', `${company}/cashflows/predicted`, {
      churn: '0.1',
    });
    const withM0 = await call(stack.app, 'POST', `${company}/cashflows/predicted`, {
      churn: '0.1',
      m0: '0.4',
    });
    expect(churnOnly.status).toBe(200);
    expect(churnOnly.body).toEqual(withM0.body);
  });

  it('when the POST body is bad, then 400 names every bad field', async () => {
    const reply = await call(stack.app, 'POST', `${company}/cashflows/predicted`, {
      churn: '1.5',
      m0: -1,
      scenario: 'GREAT',
      horizon_months: 601,
    });
    expect(reply.status).toBe(400);
    expect((reply.body.issues as { field: string }[]).map((i) => i.field).sort()).toEqual([
      'churn',
      'horizon_months',
      'm0',
      'scenario',
    ]);
    for (const body of [
      {},
      { churn: true },
      { churn: '0.1', m0: '1e-3' },
      { churn: '0.1', m0: '0.4', other: 1 },
      [1],
    ]) {
      const bad = await call(stack.app, 'POST', `${company}/cashflows/predicted`, body);
      expect([bad.status, bad.body.error]).toEqual([400, expect.any(String)]);
    }
  });
});

describe('changes alter the answer', () => {
  it('when a payment is refunded, then period 1 of 2020-01 fails on 50.00 and 2020-02 owes 370.00', async () => {
    const at = await write(stack.app, 'POST', `${company}/payments/p2/refunds`, {
      amount: '50.00',
    });
    const owed = await call(stack.app, 'GET', withMin(`${company}/owed?month=2020-02`, at));
    expect(owed.body).toEqual({ month: '2020-02-01', currency: 'USD', owed: '370.00' });
  });

  it('when the actual spend of 2020-01 is 200, then the ratio 0.25 passes: share 0.8, owed 360.00, no breach', async () => {
    const at = await write(stack.app, 'PUT', `${company}/spends/2020-01/actual`, {
      actual_spend: '200',
    });
    const reply = await call<CashflowDocument>(
      stack.app,
      'GET',
      withMin(`${company}/cashflows`, at),
    );
    const january = cohortOf(reply.body, '2020-01-01');
    expect(january?.spend).toBe('200.00');
    expect(january?.periods[1]).toMatchObject({
      payment: '50.00',
      threshold_failed: false,
      collected: '40.00',
    });
    expect(reply.body.monthly_collections[1]).toEqual({ month: '2020-02-01', amount: '360.00' });
    expect(reply.body.breaches).toEqual([]);
  });
});

describe('a cache miss', () => {
  it('given the company’s cache keys flushed, then every document is recomputed identical', async () => {
    const paths = [
      `${company}/cashflows`,
      `${company}/cashflows/predicted?scenario=BEST`,
      `${company}/cohorts_table`,
      `${company}/owed?month=2020-03`,
    ];
    const before = await Promise.all(paths.map((p) => call(stack.app, 'GET', p)));
    const metricsBefore = await call(stack.app, 'GET', `${company}/metrics`);
    expect(await deleteKeys(stack.redis, `${stack.cache.prefix}:cache:{acme}:*`)).toBeGreaterThan(
      0,
    );
    expect(await stack.redis.exists(`${stack.cache.prefix}:cache:{acme}:rollup:actual`)).toBe(0);
    const after = await Promise.all(paths.map((p) => call(stack.app, 'GET', p)));
    after.forEach((reply, i) => {
      expect(reply.status).toBe(200);
      expect(reply.text).toBe(before[i]?.text);
      expect(reply.headers['x-log-position']).toBe(before[i]?.headers['x-log-position']);
    });
    const metricsAfter = await call(stack.app, 'GET', `${company}/metrics`);
    expect({ ...metricsAfter.body, computed_at: null }).toEqual({
      ...metricsBefore.body,
      computed_at: null,
    });
  });

  it('given an unknown company, then every cached read is a 404', async () => {
    for (const path of [
      'cashflows',
      'cashflows/predicted?scenario=BEST',
      'cohorts_table',
      'metrics',
      'owed?month=2020-01',
      'breaches',
    ]) {
      const reply = await call(stack.app, 'GET', `/companies/nobody/${path}`);
      expect([path, reply.status]).toEqual([path, 404]);
    }
    const posted = await call(stack.app, 'POST', '/companies/nobody/cashflows/predicted', {
      churn: '0.1',
      m0: '0.4',
    });
    expect(posted.status).toBe(404);
  });
});
