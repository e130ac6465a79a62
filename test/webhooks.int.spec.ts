import { createTestDatabase, type TestDatabase, testServices } from '@cvf/test-support';
import { type Stack, startStack } from '@cvf/test-support/stack';
import { type CvfClient } from '@cvf/client';
import { contractClient } from '@cvf/platform/testing';
import { readUntil } from '@cvf/gateway/testing';
import {
  euroChargeEvent,
  postStripeEvent,
  stripeCharge,
  stripeDispute,
  stripeEvent,
  stripeRefund,
} from '@cvf/ingest/testing';

// Stripe webhooks through the whole system in one process (the all-in-one wiring): a
// chargeback and a failed refund reach the payments a company reads, and a delivery ingest
// cannot record reaches operations on the breach stream, through Redis pub/sub like a breach
// (distributed mode, through Kafka: test/distributed-mode.e2e.spec.ts).

let database: TestDatabase;
let stack: Stack;
let base: string;
/** The typed client; requests without a token are the test admin's (startStack). */
let api: CvfClient;

beforeAll(async () => {
  database = await createTestDatabase('webhook_alerts');
  stack = await startStack({
    databaseUrl: database.url,
    redisUrl: testServices.redisUrl,
    label: 'webhook-alerts',
  });
  base = await stack.listen();
  api = contractClient(base);
}, 30_000);

afterAll(async () => {
  await stack?.close();
  await database?.drop();
});

async function registerWithSecret(companyId: string, name: string): Promise<string> {
  const registered = await api.POST('/companies', { body: { id: companyId, name } });
  expect(registered.response.status).toBe(201);
  const created = await api.POST('/companies/{companyId}/webhook-secrets', {
    params: { path: { companyId } },
  });
  return created.data?.secret ?? '';
}

describe('a webhook delivery that cannot be recorded', () => {
  it('raises DeliveryRejected on the breach stream of the company, in the all-in-one wiring', async () => {
    const secret = await registerWithSecret('eur-co', 'Euro charges');
    const aborter = new AbortController();
    const stream = await api.GET('/companies/{companyId}/breaches/stream', {
      params: { path: { companyId: 'eur-co' } },
      parseAs: 'stream',
      signal: aborter.signal,
    });
    const reader = stream.data!.getReader();
    try {
      await readUntil(reader, /: alerts of eur-co\n\n/);
      const delivered = await postStripeEvent(
        base,
        'eur-co',
        secret,
        euroChargeEvent('ch_e', 'evt_e1'),
      );
      expect(delivered.status).toBe(200);
      const text = await readUntil(reader, /event: DeliveryRejected\ndata: .*\n\n/);
      const data = /event: DeliveryRejected\ndata: (.*)\n/.exec(text)?.[1] ?? '{}';
      expect(JSON.parse(data)).toMatchObject({
        alert_id: 'delivery:eur-co:stripe:evt_e1',
        company_id: 'eur-co',
        event_type: 'charge.succeeded',
        reason: expect.stringContaining('EUR'),
      });
    } finally {
      aborter.abort();
      await reader.cancel().catch(() => undefined);
    }
  });
});

describe('money a webhook moved, as the company reads it', () => {
  it('a chargeback and a failed refund show on the payment: refunded, disputed and net', async () => {
    const secret = await registerWithSecret('cb-co', 'Chargebacks');
    const at = Math.floor(Date.now() / 1000);
    const money = { charge: 'ch_cb', payment_intent: 'pi_cb', currency: 'usd' };
    const events = [
      stripeEvent(
        'charge.succeeded',
        stripeCharge({
          id: 'ch_cb',
          payment_intent: 'pi_cb',
          customer: 'cus_cb',
          amount: 10_000,
          amount_captured: 10_000,
          currency: 'usd',
          created: at,
        }),
        'evt_cb_1',
        at,
      ),
      stripeEvent(
        'refund.created',
        stripeRefund({ ...money, id: 're_cb', amount: 2_000, status: 'succeeded' }),
        'evt_cb_2',
        at,
      ),
      stripeEvent(
        'refund.failed',
        stripeRefund({ ...money, id: 're_cb', amount: 2_000, status: 'failed' }),
        'evt_cb_3',
        at,
      ),
      stripeEvent(
        'refund.created',
        stripeRefund({ ...money, id: 're_cb2', amount: 1_000, status: 'succeeded' }),
        'evt_cb_4',
        at,
      ),
      stripeEvent(
        'charge.dispute.funds_withdrawn',
        stripeDispute({ ...money, id: 'dp_cb', amount: 3_000 }),
        'evt_cb_5',
        at,
      ),
    ];
    let position = '';
    for (const event of events) {
      const reply = await postStripeEvent(base, 'cb-co', secret, event);
      expect(reply.status).toBe(200);
      position = String(((await reply.json()) as { position: string | null }).position ?? position);
    }
    const listed = await api.GET('/companies/{companyId}/payments', {
      params: { path: { companyId: 'cb-co' }, query: { min_position: position } },
    });
    expect(listed.response.status).toBe(200);
    expect(listed.data?.data).toEqual([
      expect.objectContaining({
        payment_id: 'pi_cb',
        amount: '100.00',
        refunded: '10.00',
        disputed: '30.00',
        net_amount: '60.00',
      }),
    ]);
  });
});
