import { Client } from 'pg';
import { IN_FLIGHT_LEASE_SECONDS, IdempotencyStore } from './idempotency/idempotency.store';
import { fingerprintOf } from './idempotency/idempotent-requests';
import { AppendCounter, EventLog, send, type HttpReply } from './testing/ingest-http';
import { startIngestTestApp, type IngestTestApp } from './testing/ingest-test-app';

// Idempotency-Key on POST (NOTES.md, Stripe-style): the first answer per (route, key) is
// stored and replayed; another request under the same key is 422; keys of different routes
// never meet. Tested on writes that are not idempotent by themselves (a refund without
// refund_id, a company without id), so only the key can explain a single event.

let ingest: IngestTestApp;
let log: EventLog;
const post = (url: string, payload: object, key?: string): Promise<HttpReply> =>
  send(ingest.app, 'POST', url, payload, key === undefined ? {} : { 'idempotency-key': key });

/** A company with a payment of 100.00, per test: its refunds route and its stream. */
let companies = 0;
async function givenCompanyWithPayment(): Promise<{ refunds: string; stream: string }> {
  const companyId = `idem${++companies}`;
  await post('/companies', { id: companyId, name: companyId });
  const payment = await post(`/companies/${companyId}/payments`, {
    payment_id: 'inv-1',
    customer_id: 'cus_1',
    payment_date: '2020-01-15',
    amount: '100.00',
  });
  expect(payment.status).toBe(201);
  return {
    refunds: `/companies/${companyId}/payments/inv-1/refunds`,
    stream: String(payment.body.stream_id),
  };
}

beforeAll(async () => {
  ingest = await startIngestTestApp('ingest_idempotency');
  log = new EventLog(ingest.database.url);
});

afterAll(async () => {
  await log.close();
  await ingest.close();
});

describe('the same key with the same request', () => {
  it('given a refund sent with a key, when sent again, then the same status and body come back marked replayed, and one refund is recorded', async () => {
    const { refunds, stream } = await givenCompanyWithPayment();

    const first = await post(refunds, { amount: '10' }, 'refund-attempt-1');
    const replay = await post(refunds, { amount: '10' }, 'refund-attempt-1');

    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(replay.status).toBe(first.status);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const events = await log.facts(stream);
    expect(events.map((e) => e.type)).toEqual(['PaymentRecorded', 'PaymentRefunded']);
    expect(events[1]!.data).toMatchObject({ refund_id: first.body.refund_id });
  });

  it('given a company registered without id under a key, when retried, then the same generated id and no second company', async () => {
    const first = await post('/companies', { name: 'Retry Ltd' }, 'register-retry-ltd');
    const appends = await AppendCounter.start(ingest.app);

    const replay = await post('/companies', { name: 'Retry Ltd' }, 'register-retry-ltd');

    expect(first.status).toBe(201);
    expect(replay).toMatchObject({ status: 201, body: first.body });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await appends.appendedSinceLastLook()).toBe(0);
    expect(await log.facts(`company-${String(first.body.id)}`)).toHaveLength(1);
  });

  it('when the retry lists the same fields in another order, then it is the same request and replays', async () => {
    const { refunds } = await givenCompanyWithPayment();

    const first = await post(refunds, { amount: '10', refund_id: 'r-1' }, 'reordered');
    const replay = await post(refunds, { refund_id: 'r-1', amount: '10' }, 'reordered');

    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers['idempotent-replayed']).toBe('true');
  });

  it('given a key left in flight by a process that died, then after the lease a retry is recorded instead of 409 for a day', async () => {
    const { refunds, stream } = await givenCompanyWithPayment();
    const scope = `POST ${refunds}`;
    // What a crash mid-request leaves: the claim, never completed nor released.
    const db = new Client({ connectionString: ingest.database.url });
    await db.connect();
    try {
      const claimed = await ingest.app
        .get(IdempotencyStore)
        .claim(scope, 'crashed', fingerprintOf('json', '{"amount":"5"}'), 86_400);
      expect(claimed).toEqual({ kind: 'claimed' });
      expect((await post(refunds, { amount: '5' }, 'crashed')).status).toBe(409);

      await db.query(
        `UPDATE ingest.idempotency_keys SET created_at = now() - make_interval(secs => $3)
         WHERE scope = $1 AND key = $2`,
        [scope, 'crashed', IN_FLIGHT_LEASE_SECONDS + 1],
      );
      const retry = await post(refunds, { amount: '5' }, 'crashed');
      expect(retry.status).toBe(201);
      expect((await log.facts(stream)).map((e) => e.type)).toEqual([
        'PaymentRecorded',
        'PaymentRefunded',
      ]);
    } finally {
      await db.end();
    }
  });

  it('given two requests with one key at the same time, then one is recorded and the other is told it is in flight or gets the replay', async () => {
    const { refunds, stream } = await givenCompanyWithPayment();

    const replies = await Promise.all([
      post(refunds, { amount: '5' }, 'concurrent'),
      post(refunds, { amount: '5' }, 'concurrent'),
    ]);

    const executed = replies.filter(
      (r) => r.status === 201 && r.headers['idempotent-replayed'] === undefined,
    );
    expect(executed).toHaveLength(1);
    const other = replies.find((r) => r !== executed[0])!;
    if (other.status === 409) {
      expect(other.body).toMatchObject({ error: 'idempotency_key_in_flight' });
    } else {
      expect(other).toMatchObject({ status: 201, body: executed[0]!.body });
      expect(other.headers['idempotent-replayed']).toBe('true');
    }
    expect(await log.facts(stream)).toHaveLength(2);
  });
});

describe('the same key with another request', () => {
  it('given a refund under a key, when another amount is sent under it, then 422 and nothing new is recorded', async () => {
    const { refunds, stream } = await givenCompanyWithPayment();
    await post(refunds, { amount: '10' }, 'refund-attempt-1');

    const reused = await post(refunds, { amount: '20' }, 'refund-attempt-1');

    expect(reused.status).toBe(422);
    expect(reused.body).toEqual({
      status: 422,
      error: 'idempotency_key_reused',
      message: "Idempotency-Key 'refund-attempt-1' was used for a different request",
    });
    expect(await log.facts(stream)).toHaveLength(2);
  });
});

describe('a key whose first request failed with 4xx', () => {
  it('given a payment refused with 404 for an unknown company, when retried under the key after the company exists, then the 404 is replayed', async () => {
    const payment = { customer_id: 'cus_1', payment_date: '2020-01-15', amount: '10.00' };
    const url = '/companies/late-co/payments';
    const first = await post(url, payment, 'late-payment');
    await post('/companies', { id: 'late-co', name: 'Late Co' });

    const replay = await post(url, payment, 'late-payment');
    const fresh = await post(url, payment);

    expect(first.status).toBe(404);
    expect(replay.status).toBe(404);
    expect(replay.body).toEqual(first.body);
    expect(replay.body).toEqual({
      status: 404,
      error: 'not_found',
      message: 'company (company_id late-co) not found',
    });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(fresh.status).toBe(201);
  });

  it('given a request refused with 400, when repeated under the key, then the same 400 naming the same field', async () => {
    const { refunds } = await givenCompanyWithPayment();

    const first = await post(refunds, { amount: '1.001' }, 'bad-amount');
    const replay = await post(refunds, { amount: '1.001' }, 'bad-amount');

    expect(first.status).toBe(400);
    expect(first.body.issues).toEqual([
      { field: 'amount', reason: 'must have at most 2 decimals' },
    ]);
    expect(replay).toMatchObject({ status: 400, body: first.body });
    expect(replay.headers['idempotent-replayed']).toBe('true');
  });
});

describe('keys are scoped per route', () => {
  it('given a key used for a spend, when it is used for a trade and on another company, then each is executed', async () => {
    await post('/companies', { id: 'scope-a', name: 'Scope A' });
    await post('/companies', { id: 'scope-b', name: 'Scope B' });
    const spend = { cohort_month: '2020-01', planned_spend: '1000' };
    const trade = { cohort_month: '2020-01', sharing_percentage: '0.8', cash_cap: '500' };

    const replies = [
      await post('/companies/scope-a/spends', spend, 'shared-key'),
      await post('/companies/scope-a/trades', trade, 'shared-key'),
      await post('/companies/scope-b/spends', spend, 'shared-key'),
    ];

    expect(replies.map((r) => [r.status, r.headers['idempotent-replayed']])).toEqual([
      [201, undefined],
      [201, undefined],
      [201, undefined],
    ]);
    expect((await log.facts('company-scope-a')).map((e) => e.type)).toEqual([
      'CompanyRegistered',
      'SpendPlanned',
      'TradeCreated',
    ]);
    expect((await log.facts('company-scope-b')).map((e) => e.type)).toEqual([
      'CompanyRegistered',
      'SpendPlanned',
    ]);
  });
});

describe('a malformed key', () => {
  it.each([
    ['a space', 'two words'],
    ['256 characters', 'k'.repeat(256)],
  ])(
    'when the key has %s, then 400 names Idempotency-Key and nothing is recorded',
    async (_case, key) => {
      const { refunds, stream } = await givenCompanyWithPayment();

      const reply = await post(refunds, { amount: '10' }, key);

      expect(reply.status).toBe(400);
      expect(reply.body).toEqual({
        status: 400,
        error: 'validation_failed',
        message: 'Idempotency-Key: must be 1–255 characters of A-Z a-z 0-9 . _ : -',
        issues: [
          { field: 'Idempotency-Key', reason: 'must be 1–255 characters of A-Z a-z 0-9 . _ : -' },
        ],
      });
      expect(await log.facts(stream)).toHaveLength(1);
    },
  );
});
