import {
  ADMIN_HEADERS,
  startAppProcess,
  stopAppProcess,
  TEST_ADMIN_KEY,
  untilReady,
} from '@cvf/platform/testing';
import { createTestDatabase, type TestDatabase } from '@cvf/test-support';

// What operations read: the built ingest app at LOG_LEVEL=info writes JSON lines, one per
// answered request with the caller's X-Request-Id and the status, and never the webhook
// signature (an HMAC under the company's secret) nor any other credential header.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase('ingest_logging');
});
afterAll(() => database.drop());

it('logs each request as one JSON line with its id and status, and no signature or credential', async () => {
  const ingest = await startAppProcess('ingest', { DATABASE_URL: database.url, LOG_LEVEL: 'info' });
  const signature =
    't=1700000000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd';
  try {
    await untilReady(ingest);
    const created = await fetch(`${ingest.base}/companies`, {
      method: 'POST',
      headers: {
        ...ADMIN_HEADERS,
        'content-type': 'application/json',
        'x-request-id': 'req-create-acme',
      },
      body: JSON.stringify({ id: 'acme', name: 'Acme' }),
    });
    expect(created.status).toBe(201);
    const webhook = await fetch(`${ingest.base}/webhooks/acme/stripe`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': signature,
        authorization: 'Bearer do-not-log-me',
        'x-request-id': 'req-webhook',
      },
      body: JSON.stringify({ id: 'evt_1', type: 'charge.succeeded' }),
    });
    expect(webhook.status).toBe(400); // no active secret: refused
    await fetch(`${ingest.base}/health/ready`);
  } finally {
    await stopAppProcess(ingest);
  }

  const lines = ingest
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const requests = lines.filter((line) => line.msg === 'request completed');
  expect(requests).toEqual([
    expect.objectContaining({
      level: 30,
      req: expect.objectContaining({ id: 'req-create-acme', method: 'POST', url: '/companies' }),
      principal: 'key:config-admin:admin',
      res: { statusCode: 201 },
    }),
    expect.objectContaining({
      level: 30,
      req: expect.objectContaining({ id: 'req-webhook', url: '/webhooks/acme/stripe' }),
      res: { statusCode: 400 },
    }),
  ]); // and the health probe not at all
  expect(lines.some((line) => line.context === 'NestApplication')).toBe(true);
  expect(ingest.output()).not.toContain(signature.slice(-20));
  expect(ingest.output()).not.toContain('do-not-log-me');
  expect(ingest.output()).not.toContain(TEST_ADMIN_KEY);
});
