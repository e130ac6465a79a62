import { type CashflowDocument } from '@cvf/domain';
import { call, withMin } from './testing/gateway-http';
import { type GatewayTestApp, startGatewayTestApp } from './testing/gateway-test-app';
import { cliDocument, writeWorkedPayments, writeWorkedTerms } from './testing/worked-example';

/**
 * DOMAIN.md's worked example for companies in JPY (no decimals) and KWD (three), end to end:
 * written through the ingest routes with whole amounts, projected, computed into Redis, read
 * through the gateway. The same numbers, each in the company's minor unit and written with its
 * decimals, the currency named once on every document; and what `cvf compute --currency`
 * prints for the same files.
 */
let stack: GatewayTestApp;
const positions = new Map<string, string>();

beforeAll(async () => {
  stack = await startGatewayTestApp('gateway_currencies');
  for (const [id, currency] of [
    ['yen', 'JPY'],
    ['dinar', 'KWD'],
  ] as const) {
    await writeWorkedTerms(stack.app, id, currency);
    const payments = [
      { payment_id: 'p1', customer_id: '1', payment_date: '2020-01-01', amount: '200' },
      { payment_id: 'p2', customer_id: '1', payment_date: '2020-02-01', amount: '100' },
      { payment_id: 'p3', customer_id: '2', payment_date: '2020-02-01', amount: '400' },
      { payment_id: 'p4', customer_id: '2', payment_date: '2020-03-01', amount: '300' },
      { payment_id: 'p5', customer_id: '3', payment_date: '2020-04-01', amount: '500' },
    ];
    positions.set(id, await writeWorkedPayments(stack.app, id, payments));
  }
}, 60_000);
afterAll(() => stack?.close());

describe.each([
  { id: 'yen', currency: 'JPY', money: (n: string) => n },
  { id: 'dinar', currency: 'KWD', money: (n: string) => `${n}.000` },
])('the worked example in $currency', ({ id, currency, money }) => {
  const get = <T = Record<string, unknown>>(path: string) =>
    call<T>(stack.app, 'GET', withMin(`/companies/${id}${path}`, positions.get(id)!));

  it('collects 160, 420, 80, 250 in the currency’s minor unit; owed for 2020-02 is 420', async () => {
    const cashflows = await get<CashflowDocument>('/cashflows');
    expect(cashflows.status).toBe(200);
    expect(cashflows.body.currency).toBe(currency);
    expect(cashflows.body.monthly_collections.map((m) => m.amount)).toEqual(
      ['160', '420', '80', '250'].map(money),
    );
    expect(cashflows.body.cohorts[0]).toMatchObject({
      cash_cap: money('500'),
      spend: money('1000'),
      investment: money('800'),
      cumulative_collected: money('260'),
    });
    expect(cashflows.text).toBe(cliDocument('--currency', currency));
    const owed = await get('/owed?month=2020-02');
    expect(owed.body).toEqual({ month: '2020-02-01', currency, owed: money('420') });
  });

  it('lists payments, customers, trades and spend in the currency, named once', async () => {
    const payments = await get<{ currency: string; data: { amount: string }[] }>('/payments');
    expect(payments.body.currency).toBe(currency);
    expect(payments.body.data.map((p) => p.amount)).toEqual(
      ['200', '100', '400', '300', '500'].map(money),
    );
    const trades = await get<{ currency: string; data: { cash_cap: string }[] }>('/trades');
    expect(trades.body).toMatchObject({ currency, data: [{ cash_cap: money('500') }, {}, {}] });
    const table = await get<{ currency: string; cohorts: { total: string }[] }>('/cohorts_table');
    expect(table.body.currency).toBe(currency);
    expect(table.body.cohorts.map((c) => c.total)).toEqual(['300', '700', '500'].map(money));
    const company = await get<{ currency: string; net_payments: string }>('');
    expect(company.body).toMatchObject({ currency, net_payments: money('1500') });
  });

  it('refuses an amount with more decimals than the currency has, naming the field', async () => {
    const tooFine = currency === 'JPY' ? '19.5' : '19.5005';
    const reply = await call(stack.app, 'POST', `/companies/${id}/payments`, {
      customer_id: '9',
      payment_date: '2020-05-01',
      amount: tooFine,
    });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ issues: [{ field: 'amount' }] });
  });
});

it('the CLI names the currency of its document and refuses an unknown one', () => {
  expect(JSON.parse(cliDocument())).toMatchObject({ currency: 'USD' });
  expect(() => cliDocument('--currency', 'usd')).toThrow(/--currency: must be an ISO 4217 code/);
});
