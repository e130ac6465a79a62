import { call, type Reply, withMin, write } from './testing/gateway-http';
import { type GatewayTestApp, startGatewayTestApp } from './testing/gateway-test-app';
import { writeWorkedExample } from './testing/worked-example';

/**
 * The read models through the gateway: companies, terms, payments and customers, with cursor
 * pagination and filters; and every bad parameter is a 400 naming it, never a 500.
 */
let stack: GatewayTestApp;
let position: string;

interface Page<T> {
  data: T[];
  next_cursor: string | null;
}
interface PaymentItem {
  payment_id: string;
  voided: boolean;
  refunded: string;
  net_amount: string;
  cohort_month: string | null;
}

// Customer c1 and c2 start in 2021-01, c3 in 2021-02; q9 is voided, q10 refunded 25.00.
const BETA_PAYMENTS = [
  ['q1', 'c1', '2021-01-05', '10.00'],
  ['q2', 'c1', '2021-02-05', '20.00'],
  ['q3', 'c2', '2021-01-20', '30.00'],
  ['q4', 'c2', '2021-03-01', '40.00'],
  ['q5', 'c3', '2021-02-10', '50.00'],
  ['q6', 'c3', '2021-02-10', '60.00'],
  ['q7', 'c1', '2021-03-15', '70.00'],
  ['q8', 'c3', '2021-04-01', '80.00'],
  ['q9', 'c2', '2021-04-02', '90.00'],
  ['q10', 'c1', '2021-05-01', '100.00'],
] as const;
const IN_DATE_ORDER = ['q1', 'q3', 'q2', 'q5', 'q6', 'q4', 'q7', 'q8', 'q10'];

beforeAll(async () => {
  stack = await startGatewayTestApp('gateway_lists');
  await writeWorkedExample(stack.app, 'acme');
  await write(stack.app, 'POST', '/companies/acme/threshold-overrides', {
    cohort_month: '2020-01',
    payment_period_month: 1,
    reason: 'agreed dip',
  });
  await write(stack.app, 'PUT', '/companies/acme/predictions/AVERAGE', { m0: '0.3', churn: '0.2' });
  await write(stack.app, 'POST', '/companies', { id: 'beta', name: 'Beta' });
  for (const [payment_id, customer_id, payment_date, amount] of BETA_PAYMENTS) {
    await write(stack.app, 'POST', '/companies/beta/payments', {
      payment_id,
      customer_id,
      payment_date,
      amount,
    });
  }
  await write(stack.app, 'DELETE', '/companies/beta/payments/q9');
  position = await write(stack.app, 'POST', '/companies/beta/payments/q10/refunds', {
    amount: '25.00',
  });
}, 30_000);
afterAll(() => stack?.close());

const ids = (page: Page<PaymentItem>) => page.data.map((p) => p.payment_id);

async function allPages<T>(url: string): Promise<T[]> {
  const items: T[] = [];
  let next: string | null = withMin(url, position);
  while (next !== null) {
    const reply: Reply<Page<T>> = await call<Page<T>>(stack.app, 'GET', next);
    expect(reply.status).toBe(200);
    expect(reply.headers['x-log-position']).toMatch(/^\d+:\d+$/);
    items.push(...reply.body.data);
    const cursor: string | null = reply.body.next_cursor;
    next = cursor === null ? null : `${url}${url.includes('?') ? '&' : '?'}cursor=${cursor}`;
  }
  return items;
}

describe('companies', () => {
  it('when listed one per page, then the cursor walks every company in id order', async () => {
    const companies = await allPages<{ id: string; name: string }>('/companies?limit=1');
    expect(companies.map((c) => [c.id, c.name])).toEqual([
      ['acme', 'Worked acme'],
      ['beta', 'Beta'],
    ]);
  });

  it('then a company shows its name, counts and a metrics summary', async () => {
    const reply = await call(stack.app, 'GET', withMin('/companies/beta', position));
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id: 'beta',
      name: 'Beta',
      counts: {
        payments: 9,
        voided_payments: 1,
        customers: 3,
        cohorts: 2,
        trades: 0,
        spends: 0,
        thresholds: 0,
        threshold_overrides: 0,
        prediction_scenarios: 0,
      },
      net_payments: '435.00',
      metrics: { breaches_count: 0, cohorts_count: 2, total_investment: '0.00' },
    });
    expect(reply.body.metrics).not.toHaveProperty('owed_by_month');
  });
});

describe('terms', () => {
  it('then each list shows the terms in the write side’s wire form', async () => {
    const get = async (list: string) =>
      (await call<Page<object>>(stack.app, 'GET', withMin(`/companies/acme/${list}`, position)))
        .body.data;
    expect(await get('trades')).toEqual([
      {
        id: '2020-01-01',
        cohort_month: '2020-01-01',
        sharing_percentage: '0.8',
        cash_cap: '500.00',
      },
      {
        id: '2020-02-01',
        cohort_month: '2020-02-01',
        sharing_percentage: '0.8',
        cash_cap: '400.00',
      },
      {
        id: '2020-04-01',
        cohort_month: '2020-04-01',
        sharing_percentage: '0.5',
        cash_cap: '500.00',
      },
    ]);
    expect((await get('spends'))[0]).toEqual({
      id: '2020-01-01',
      cohort_month: '2020-01-01',
      planned_spend: '1000.00',
      actual_spend: null,
      effective_spend: '1000.00',
    });
    expect(await get('thresholds')).toEqual([
      { id: 1, payment_period_month: 1, minimum_payment_percent: '0.25' },
    ]);
    expect(await get('threshold-overrides')).toEqual([
      { cohort_month: '2020-01-01', payment_period_month: 1, reason: 'agreed dip' },
    ]);
    expect(await get('predictions')).toEqual([{ scenario: 'AVERAGE', m0: '0.3', churn: '0.2' }]);
  });
});

describe('one record by the id its list item carries', () => {
  it('given a spend’s id (its month, in any spelling), then GET answers the list item with the currency; an unknown month is 404', async () => {
    const listed = await call<Page<{ id: string }>>(stack.app, 'GET', '/companies/acme/spends');
    const first = listed.body.data[0]!;
    for (const spelling of [first.id, '2020-01', '2020-01-17']) {
      const one = await call(stack.app, 'GET', `/companies/acme/spends/${spelling}`);
      expect(one.status).toBe(200);
      expect(one.body).toEqual({ ...first, currency: 'USD' });
    }
    const missing = await call(stack.app, 'GET', '/companies/acme/spends/2020-03-01');
    expect(missing.status).toBe(404);
    const bad = await call(stack.app, 'GET', '/companies/acme/spends/March');
    expect(bad.status).toBe(400);
  });

  it('given a payment’s id, then GET answers its list item with the currency, voided ones too; an unknown one is 404', async () => {
    const listed = await call<Page<PaymentItem & { id: string }>>(
      stack.app,
      'GET',
      withMin('/companies/beta/payments?include_voided=true&limit=100', position),
    );
    for (const item of listed.body.data) {
      expect(item.id).toBe(item.payment_id);
      const one = await call(stack.app, 'GET', `/companies/beta/payments/${item.id}`);
      expect(one.status).toBe(200);
      expect(one.body).toEqual({ ...item, currency: 'USD' });
    }
    expect(listed.body.data.find((item) => item.id === 'q9')).toMatchObject({ voided: true });
    const missing = await call(stack.app, 'GET', '/companies/beta/payments/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: 'not_found' });
    const elsewhere = await call(stack.app, 'GET', '/companies/acme/payments/q1');
    expect(elsewhere.status).toBe(404);
  });
});

describe('payments', () => {
  it('when paged 3 at a time, then every payment that counts comes once, by date then id', async () => {
    const payments = await allPages<PaymentItem>('/companies/beta/payments?limit=3');
    expect(payments.map((p) => p.payment_id)).toEqual(IN_DATE_ORDER);
    expect(payments.find((p) => p.payment_id === 'q10')).toMatchObject({
      refunded: '25.00',
      net_amount: '75.00',
      cohort_month: '2021-01-01',
    });
  });

  it('when filtered, then only matching payments come, paged alike', async () => {
    const query = async (filter: string) =>
      ids(
        (await call<Page<PaymentItem>>(stack.app, 'GET', `/companies/beta/payments?${filter}`))
          .body,
      );
    expect(await query('include_voided=true')).toEqual([...IN_DATE_ORDER.slice(0, 8), 'q9', 'q10']);
    expect(await query('customer_id=c2')).toEqual(['q3', 'q4']);
    expect(await query('customer_id=c2&include_voided=1')).toEqual(['q3', 'q4', 'q9']);
    expect(await query('cohort_month=2021-02')).toEqual(['q5', 'q6', 'q8']);
    expect(await query('from=2021-02-01&to=2021-03-15')).toEqual(['q2', 'q5', 'q6', 'q4', 'q7']);
    const paged = await allPages<PaymentItem>('/companies/beta/payments?from=2021-02-01&limit=2');
    expect(paged.map((p) => p.payment_id)).toEqual(['q2', 'q5', 'q6', 'q4', 'q7', 'q8', 'q10']);
  });

  it('then customers show their cohort and what they paid', async () => {
    const customers = await allPages<object>('/companies/beta/customers?limit=2');
    expect(customers).toEqual([
      { customer_id: 'c1', cohort_month: '2021-01-01', payments: 4, net_payments: '175.00' },
      { customer_id: 'c2', cohort_month: '2021-01-01', payments: 2, net_payments: '70.00' },
      { customer_id: 'c3', cohort_month: '2021-02-01', payments: 3, net_payments: '190.00' },
    ]);
    const february = await call<Page<object>>(
      stack.app,
      'GET',
      '/companies/beta/customers?cohort_month=2021-02-01',
    );
    expect(february.body.data).toHaveLength(1);
  });
});

describe('refusals', () => {
  it('given an unknown company or an id no company can have, then every read is a 404', async () => {
    const paths = [
      '',
      '/trades',
      '/spends',
      '/thresholds',
      '/threshold-overrides',
      '/predictions',
      '/payments',
      '/customers',
      '/events',
      '/cashflows',
      '/metrics',
    ];
    for (const id of ['nobody', 'a%00b', '%F0%9F%98%80', 'a%20b']) {
      for (const path of paths) {
        const reply = await call(stack.app, 'GET', `/companies/${id}${path}`);
        expect([id, path, reply.status, reply.body.error]).toEqual([id, path, 404, 'not_found']);
      }
    }
  });

  it.each([
    ['/companies?limit=0', 'limit'],
    ['/companies?limit=1001', 'limit'],
    ['/companies?limit=ten', 'limit'],
    ['/companies?cursor=not-a-cursor', 'cursor'],
    [
      `/companies?cursor=${Buffer.from('{"list":"payments","date":"2020-01-01","id":"x"}').toString('base64url')}`,
      'cursor',
    ],
    [
      `/companies/beta/payments?cursor=${Buffer.from('{"list":"payments","date":"2020-02-30","id":"x"}').toString('base64url')}`,
      'cursor',
    ],
    ['/companies/beta/payments?cohort_month=2021-13', 'cohort_month'],
    ['/companies/beta/payments?from=2021-02-30', 'from'],
    ['/companies/beta/payments?from=2021-03-01&to=2021-02-01', 'to'],
    ['/companies/beta/payments?include_voided=maybe', 'include_voided'],
    ['/companies/beta/payments?customer_id=c%00', 'customer_id'],
    [
      `/companies?cursor=${Buffer.from('{"list":"companies","id":"a\\u0000"}').toString('base64url')}`,
      'cursor',
    ],
    ['/companies/beta/payments?limit=1&limit=2', 'limit'],
    ['/companies/beta/customers?cohort_month=january', 'cohort_month'],
    ['/companies/acme/owed?month=2020-02-31', 'month'],
    ['/companies/acme/owed?month=%27;drop', 'month'],
    ['/companies/acme/cashflows/predicted?scenario=GREAT', 'scenario'],
    ['/companies/acme/cashflows?min_position=latest', 'min_position'],
    ['/companies/acme/cashflows?min_position=18446744073709551616:1', 'min_position'],
    ['/companies/acme/trades?min_position=-1:2', 'min_position'],
    ['/companies/acme/events?cursor=abc', 'cursor'],
    ['/companies/acme/events?order=newest', 'order'],
  ])('when GET %s, then 400 names %s', async (url, field) => {
    const reply = await call(stack.app, 'GET', url);
    expect(reply.status).toBe(400);
    expect(reply.body.issues).toEqual([{ field, reason: expect.any(String) as unknown }]);
  });

  it('given a position far in the future, then reads wait 5 s and answer 503 with Retry-After', async () => {
    const future = '9000000000000:9000000000000';
    const started = Date.now();
    const replies = await Promise.all(
      ['/companies/acme/cashflows', '/companies/acme/trades', '/companies/acme/events'].map((url) =>
        call(stack.app, 'GET', withMin(url, future)),
      ),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
    for (const reply of replies) {
      expect(reply.status).toBe(503);
      expect(reply.headers['retry-after']).toBe('1');
      expect(reply.body).toMatchObject({ error: 'not_yet_consistent', min_position: future });
    }
  }, 15_000);
});

describe('health', () => {
  it('then liveness is cheap and readiness checks PostgreSQL and Redis', async () => {
    expect((await call(stack.app, 'GET', '/health/live')).body).toEqual({ status: 'ok' });
    // The Python API's probe: liveness, without a credential.
    const python = await call(stack.app, 'GET', '/health');
    expect([python.status, python.body]).toEqual([200, { status: 'ok' }]);
    const ready = await call(stack.app, 'GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details).toMatchObject({
      postgresql: { status: 'up' },
      redis: { status: 'up' },
    });
  });
});
