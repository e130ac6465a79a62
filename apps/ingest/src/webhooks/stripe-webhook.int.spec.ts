import { Client } from 'pg';
import { AppendCounter, EventLog, send, type HttpReply } from '../testing/ingest-http';
import { startIngestTestApp, type IngestTestApp } from '../testing/ingest-test-app';
import { stripeSignatureHeader } from './stripe/stripe-signature';

// Stripe webhooks over HTTP against real PostgreSQL: signed deliveries become payment
// events exactly once, and anything unsigned, stale or out of order records nothing.

let ingest: IngestTestApp;
let log: EventLog;
let appended: AppendCounter;
let secret: string;
const HOOK = '/webhooks/acme/stripe';
const now = () => Math.floor(Date.now() / 1000);
let events = 0;

function chargeEvent(charge: Record<string, unknown>, type = 'charge.succeeded', id?: string) {
  return {
    id: id ?? `evt_test_${++events}`,
    object: 'event',
    type,
    created: 1_700_000_000,
    data: {
      object: {
        object: 'charge',
        currency: 'usd',
        customer: 'cus_1',
        captured: true,
        created: 1_700_000_000,
        ...charge,
      },
    },
  };
}

function refundEvent(refund: Record<string, unknown>, id?: string) {
  return {
    id: id ?? `evt_test_${++events}`,
    object: 'event',
    type: 'refund.created',
    created: 1_700_000_100,
    data: {
      object: {
        object: 'refund',
        currency: 'usd',
        status: 'succeeded',
        created: 1_700_000_100,
        ...refund,
      },
    },
  };
}

async function deliver(
  event: object,
  options: { secrets?: string[]; timestamp?: number; header?: string | null; body?: string } = {},
  url = HOOK,
): Promise<HttpReply> {
  const body = options.body ?? JSON.stringify(event);
  const signed = stripeSignatureHeader(
    options.secrets ?? [secret],
    options.timestamp ?? now(),
    JSON.stringify(event),
  );
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.header !== null) headers['stripe-signature'] = options.header ?? signed;
  return send(ingest.app, 'POST', url, body, headers);
}

async function newSecret(): Promise<{ secret_id: string; secret: string }> {
  const reply = await send(ingest.app, 'POST', '/companies/acme/webhook-secrets');
  expect(reply.status).toBe(201);
  return { secret_id: String(reply.body.secret_id), secret: String(reply.body.secret) };
}

beforeAll(async () => {
  ingest = await startIngestTestApp('ingest_webhooks');
  log = new EventLog(ingest.database.url);
  await send(ingest.app, 'POST', '/companies', { id: 'acme', name: 'Acme' });
  secret = (await newSecret()).secret;
  appended = await AppendCounter.start(ingest.app);
});

afterAll(async () => {
  await log.close();
  await ingest.close();
});

describe('webhook signing secrets', () => {
  it('are shown once, listed without the secret, and logged by id only', async () => {
    const created = await send(ingest.app, 'POST', '/companies/acme/webhook-secrets');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      secret_id: expect.stringMatching(/^whs_[A-Za-z0-9_-]{12}$/),
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/),
      created_at: expect.any(String),
    });

    const listed = await ingest.app.inject({
      method: 'GET',
      url: '/companies/acme/webhook-secrets',
    });
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain(String(created.body.secret));
    expect(listed.json()).toContainEqual({
      secret_id: created.body.secret_id,
      created_at: created.body.created_at,
      revoked_at: null,
    });

    const company = await log.readStream('company-acme');
    expect(company.at(-1)).toMatchObject({
      type: 'WebhookSecretAdded',
      data: { secret_id: created.body.secret_id },
    });
    expect(JSON.stringify(company)).not.toContain(String(created.body.secret));
    // At rest the secret is sealed (AES-256-GCM under SECRET_KEY, its key id in front).
    const db = new Client({ connectionString: ingest.database.url });
    await db.connect();
    try {
      const { rows } = await db.query<{ secret: string | null; sealed: string | null }>(
        'SELECT secret, sealed FROM ingest.webhook_secrets WHERE secret_id = $1',
        [created.body.secret_id],
      );
      expect(rows).toEqual([{ secret: null, sealed: expect.stringMatching(/^v1\.test\./) }]);
      expect(rows[0]!.sealed).not.toContain(String(created.body.secret).slice(6));
    } finally {
      await db.end();
    }
    await send(
      ingest.app,
      'DELETE',
      `/companies/acme/webhook-secrets/${String(created.body.secret_id)}`,
    );
    await appended.appendedSinceLastLook();
  });

  it('are not kept for an Idempotency-Key replay: the replay answers the same id with secret null', async () => {
    const headers = { 'idempotency-key': 'new-secret-1' };
    const url = '/companies/acme/webhook-secrets';
    const created = await send(ingest.app, 'POST', url, undefined, headers);
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);

    const replay = await send(ingest.app, 'POST', url, undefined, headers);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual({ ...created.body, secret: null });
    const db = new Client({ connectionString: ingest.database.url });
    await db.connect();
    try {
      const stored = await db.query<{ body: string }>(
        'SELECT response_body::text AS body FROM ingest.idempotency_keys WHERE key = $1',
        ['new-secret-1'],
      );
      expect(stored.rows[0]?.body).toContain(String(created.body.secret_id));
      expect(stored.rows[0]?.body).not.toContain(String(created.body.secret));
    } finally {
      await db.end();
    }
    await send(ingest.app, 'DELETE', `${url}/${String(created.body.secret_id)}`);
    await appended.appendedSinceLastLook();
  });

  it('answer 404 for an unknown company', async () => {
    expect((await send(ingest.app, 'POST', '/companies/nope/webhook-secrets')).status).toBe(404);
    const listed = await ingest.app.inject({
      method: 'GET',
      url: '/companies/nope/webhook-secrets',
    });
    expect(listed.statusCode).toBe(404);
  });

  it('rotate: old and new both verify until the old one is revoked', async () => {
    const rotated = await newSecret();
    const oldSecret = secret;

    expect(
      (await deliver(chargeEvent({ id: 'ch_rot_1', amount: 100 }), { secrets: [oldSecret] }))
        .status,
    ).toBe(200);
    expect(
      (await deliver(chargeEvent({ id: 'ch_rot_2', amount: 100 }), { secrets: [rotated.secret] }))
        .status,
    ).toBe(200);
    const bothSigned = await deliver(chargeEvent({ id: 'ch_rot_3', amount: 100 }), {
      secrets: [rotated.secret, oldSecret],
    });
    expect(bothSigned.status).toBe(200);

    const listedBefore = (
      await ingest.app.inject({ method: 'GET', url: '/companies/acme/webhook-secrets' })
    ).json<{ secret_id: string; revoked_at: string | null }[]>();
    const oldId = listedBefore.find(
      (s) => s.revoked_at === null && s.secret_id !== rotated.secret_id,
    )!.secret_id;
    const revoked = await send(ingest.app, 'DELETE', `/companies/acme/webhook-secrets/${oldId}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ secret_id: oldId, revoked_at: expect.any(String) });
    secret = rotated.secret;
    await appended.appendedSinceLastLook();

    const withOld = await deliver(chargeEvent({ id: 'ch_rot_4', amount: 100 }), {
      secrets: [oldSecret],
    });
    expect(withOld.status).toBe(400);
    expect(await appended.appendedSinceLastLook()).toBe(0);
    expect((await deliver(chargeEvent({ id: 'ch_rot_5', amount: 100 }))).status).toBe(200);
    expect(
      (await send(ingest.app, 'DELETE', `/companies/acme/webhook-secrets/${oldId}`)).status,
    ).toBe(404);
    expect((await log.readStream('company-acme')).map((e) => e.type)).toContain(
      'WebhookSecretRevoked',
    );
    await appended.appendedSinceLastLook();
  });
});

describe('a signed charge.succeeded', () => {
  it('records a PaymentRecorded with the exact amount, once, whatever the number of deliveries', async () => {
    const event = chargeEvent({ id: 'ch_pay_1', amount: 1999 });

    const first = await deliver(event);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      received: true,
      event_id: event.id,
      outcome: 'recorded',
      events_appended: 1,
    });
    const [recorded] = await log.readStream('payment-acme-ch_pay_1');
    expect(recorded).toMatchObject({
      type: 'PaymentRecorded',
      data: {
        payment_id: 'ch_pay_1',
        customer_id: 'cus_1',
        payment_date: '2023-11-14',
        amount: '19.99',
        source: 'stripe',
        source_ref: 'ch_pay_1',
      },
      metadata: {
        companyId: 'acme',
        actor: 'webhook:stripe',
        correlationId: event.id,
        occurredAt: '2023-11-14T22:13:20.000Z',
      },
    });
    expect(await appended.appendedSinceLastLook()).toBe(1);

    const replay = await deliver(event);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ outcome: 'duplicate', events_appended: 0 });
    const sameChargeOtherEvent = await deliver(chargeEvent({ id: 'ch_pay_1', amount: 1999 }));
    expect(sameChargeOtherEvent.body).toMatchObject({
      outcome: 'duplicate',
      reason: expect.stringContaining('already recorded'),
      payment_id: 'ch_pay_1',
    });
    expect(await appended.appendedSinceLastLook()).toBe(0);
  });

  it('converts 5 minor units to 0.05; a charge in another currency is kept as rejected, answered 200', async () => {
    await deliver(chargeEvent({ id: 'ch_pay_5', amount: 5 }));
    expect((await log.readStream('payment-acme-ch_pay_5'))[0]?.data).toMatchObject({
      amount: '0.05',
    });
    await appended.appendedSinceLastLook();

    const yen = await deliver(chargeEvent({ id: 'ch_pay_jpy', amount: 500, currency: 'jpy' }));
    expect(yen.status).toBe(200);
    expect(yen.body).toMatchObject({ outcome: 'rejected', reason: expect.stringContaining('JPY') });
    expect(await appended.appendedSinceLastLook()).toBe(0);
  });

  it('acknowledges an event type it does not use, and remembers the delivery', async () => {
    const event = {
      id: 'evt_other_1',
      object: 'event',
      type: 'customer.created',
      data: { object: { id: 'cus_1' } },
    };
    const reply = await deliver(event);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringMatching(/customer.created/),
    });
    expect((await deliver(event)).body).toMatchObject({ outcome: 'duplicate' });
    expect(await appended.appendedSinceLastLook()).toBe(0);
  });
});

describe('a delivery that cannot be trusted', () => {
  const event = () => chargeEvent({ id: 'ch_bad_1', amount: 700 }, 'charge.succeeded', 'evt_bad_1');

  // Options are made when the test runs: a timestamp taken at load time would go stale.
  it.each([
    ['a wrong signature', () => ({ header: `t=${now()},v1=${'0'.repeat(64)}` })],
    ['a stale timestamp', () => ({ timestamp: now() - 301 })],
    ['a timestamp in the future', () => ({ timestamp: now() + 301 })],
    ['no signature header', () => ({ header: null })],
    [
      'a body other than the one signed',
      () => ({ body: JSON.stringify({ ...event(), type: 'refund.created' }) }),
    ],
    ['a secret of no one', () => ({ secrets: ['whsec_someone_else'] })],
  ])('answers 400 for %s and records nothing', async (_what, options) => {
    const reply = await deliver(event(), options());
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ error: 'invalid_signature' });
    expect(await appended.appendedSinceLastLook()).toBe(0);
  });

  it('is not remembered, so the genuine delivery of the same event id is recorded', async () => {
    expect((await deliver(event())).body).toMatchObject({ outcome: 'recorded' });
    await appended.appendedSinceLastLook();
  });

  it('answers 404 for an unknown company and 400 for a signed body that is no event', async () => {
    expect((await deliver(event(), {}, '/webhooks/nope/stripe')).status).toBe(404);
    const notAnEvent = { hello: 'world' };
    expect((await deliver(notAnEvent)).status).toBe(400);
  });
});

describe('a refund', () => {
  it('arriving before its charge answers 409 and records nothing; redelivered after the charge it is recorded', async () => {
    const refund = refundEvent({ id: 're_1', charge: 'ch_late', amount: 250 }, 'evt_refund_1');

    const early = await deliver(refund);
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ error: 'payment_not_recorded_yet', payment_id: 'ch_late' });
    expect(await appended.appendedSinceLastLook()).toBe(0);

    expect((await deliver(chargeEvent({ id: 'ch_late', amount: 1000 }))).status).toBe(200);
    const retried = await deliver(refund);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ outcome: 'recorded', events_appended: 1 });
    const stream = await log.readStream('payment-acme-ch_late');
    expect(stream.map((e) => [e.type, e.data])).toEqual([
      ['PaymentRecorded', expect.objectContaining({ amount: '10.00' })],
      ['PaymentRefunded', { payment_id: 'ch_late', refund_id: 're_1', amount: '2.50' }],
    ]);
    expect((await deliver(refund)).body).toMatchObject({ outcome: 'duplicate' });
    expect(await appended.appendedSinceLastLook()).toBe(2);
  });
});
