import { createTestDatabase, type TestDatabase, testServices } from '@cvf/test-support';
import { type Stack, startStack } from '@cvf/test-support/stack';
import { readUntil } from '@cvf/gateway/testing';
import { euroChargeEvent, postStripeEvent } from '@cvf/ingest/testing';

// The whole system in one process (the all-in-one wiring): a webhook delivery ingest cannot
// record reaches operations on the breach stream, through Redis pub/sub like a breach.
// (Distributed mode, through Kafka: test/distributed-mode.e2e.spec.ts.)

let database: TestDatabase;
let stack: Stack;
let base: string;

beforeAll(async () => {
  database = await createTestDatabase('webhook_alerts');
  stack = await startStack({
    databaseUrl: database.url,
    redisUrl: testServices.redisUrl,
    label: 'webhook-alerts',
  });
  base = await stack.listen();
}, 30_000);

afterAll(async () => {
  await stack?.close();
  await database?.drop();
});

const post = (path: string, body?: object) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });

describe('a webhook delivery that cannot be recorded', () => {
  it('raises DeliveryRejected on the breach stream of the company, in the all-in-one wiring', async () => {
    expect((await post('/companies', { id: 'eur-co', name: 'Euro charges' })).status).toBe(201);
    const created = await post('/companies/eur-co/webhook-secrets');
    const { secret } = (await created.json()) as { secret: string };
    const aborter = new AbortController();
    const response = await fetch(`${base}/companies/eur-co/breaches/stream`, {
      signal: aborter.signal,
    });
    const reader = response.body!.getReader();
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
