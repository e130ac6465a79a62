import { AppendCounter, EventLog, send, writeResult, type Method } from './testing/ingest-http';
import { startIngestTestApp, type IngestTestApp } from './testing/ingest-test-app';

// Payments and refunds over HTTP: one stream per payment, recording is idempotent, and every
// rule of the payment decider reaches the caller as the right status.

let ingest: IngestTestApp;
let log: EventLog;
const request = (method: Method, url: string, payload?: object) =>
  send(ingest.app, method, url, payload);

const PAYMENTS = '/companies/acme/payments';

/** A payment of 100.00 recorded under its own id, for the tests that act on one. */
let recorded = 0;
async function givenPayment(): Promise<string> {
  const paymentId = `inv-${++recorded}`;
  const reply = await request('POST', PAYMENTS, {
    payment_id: paymentId,
    customer_id: 'cus_1',
    payment_date: '2020-01-15',
    amount: '100.00',
  });
  expect(reply.status).toBe(201);
  return paymentId;
}

beforeAll(async () => {
  ingest = await startIngestTestApp('ingest_payments');
  log = new EventLog(ingest.database.url);
  await request('POST', '/companies', { id: 'acme', name: 'Acme' });
});

afterAll(async () => {
  await log.close();
  await ingest.close();
});

describe('POST /payments: record a payment', () => {
  const payment = { customer_id: 'cus_42', payment_date: '2020-01-15', amount: '200.00' };

  it('given no payment_id, when the same payment is sent twice, then both answer the same derived id and the log holds one PaymentRecorded', async () => {
    const first = await request('POST', PAYMENTS, payment);
    const paymentId = String(first.body.payment_id);
    const stream = `payment-acme-${paymentId}`;

    const second = await request('POST', PAYMENTS, payment);
    const respelled = await request('POST', PAYMENTS, { ...payment, amount: '200' });

    expect(paymentId).toMatch(/^d-[0-9a-f]{32}$/);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ payment_id: paymentId, ...writeResult(stream, 1, 1) });
    for (const repeat of [second, respelled]) {
      expect(repeat.status).toBe(201);
      expect(repeat.body).toEqual({ ...first.body, events_appended: 0 });
    }
    expect(await log.facts(stream)).toEqual([
      {
        type: 'PaymentRecorded',
        data: { payment_id: paymentId, ...payment, currency: 'USD', source: 'api' },
      },
    ]);
  });

  it('given amounts as JSON numbers, then each is read exactly as written (19.99 never a float) and derives the id its string would', async () => {
    const asNumber = await send(
      ingest.app,
      'POST',
      PAYMENTS,
      '{"customer_id": "cus_num", "payment_date": "2020-01-15", "amount": 19.99}',
      { 'content-type': 'application/json' },
    );
    const asString = await request('POST', PAYMENTS, {
      customer_id: 'cus_num',
      payment_date: '2020-01-15',
      amount: '19.99',
    });

    expect(asNumber.status).toBe(201);
    expect(asString.body).toEqual({ ...asNumber.body, events_appended: 0 });
    const recorded = await log.facts(`payment-acme-${String(asNumber.body.payment_id)}`);
    expect(recorded).toMatchObject([{ type: 'PaymentRecorded', data: { amount: '19.99' } }]);
  });

  it.each([
    ['a JSON number with 3 decimals', '10.005', 'must have at most 2 decimals'],
    ['a negative JSON number', '-5', 'must not be negative'],
    ['a JSON true', 'true', 'amount must be a decimal number or string'],
  ])('given %s as the amount, then the same 400 as for the string', async (_case, raw, reason) => {
    const reply = await send(
      ingest.app,
      'POST',
      PAYMENTS,
      `{"customer_id": "cus_bad", "payment_date": "2020-01-15", "amount": ${raw}}`,
      { 'content-type': 'application/json' },
    );
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ issues: [{ field: 'amount', reason }] });
  });

  it('given a currency, then it must be the company’s: another is 400 naming currency, and nothing is recorded', async () => {
    const euros = await request('POST', PAYMENTS, {
      ...payment,
      payment_id: 'eur-1',
      currency: 'EUR',
    });
    expect(euros.status).toBe(400);
    expect(euros.body.issues).toEqual([
      { field: 'currency', reason: "is EUR; the company's amounts are in USD" },
    ]);
    expect(await log.readStream('payment-acme-eur-1')).toEqual([]);
    const dollars = await request('POST', PAYMENTS, {
      ...payment,
      payment_id: 'usd-1',
      currency: 'USD',
    });
    expect(dollars.status).toBe(201);
  });

  it('given a timestamp as payment_date, then it is the date in the company’s zone', async () => {
    await request('POST', '/companies', {
      id: 'berlin',
      name: 'Berlin',
      timezone: 'Europe/Berlin',
    });
    const late = { customer_id: 'c', payment_date: '2024-01-31T23:30:00Z', amount: '5.00' };
    const reply = await request('POST', '/companies/berlin/payments', {
      ...late,
      payment_id: 'ts-1',
    });
    expect(reply.status).toBe(201);
    expect(await log.facts('payment-berlin-ts-1')).toEqual([
      { type: 'PaymentRecorded', data: expect.objectContaining({ payment_date: '2024-02-01' }) },
    ]);
    const utc = await request('POST', PAYMENTS, { ...late, payment_id: 'ts-1' });
    expect(await log.facts('payment-acme-ts-1')).toEqual([
      { type: 'PaymentRecorded', data: expect.objectContaining({ payment_date: '2024-01-31' }) },
    ]);
    expect(utc.status).toBe(201);
    const corrected = await request('PUT', '/companies/berlin/payments/ts-1', {
      ...late,
      payment_date: '2024-03-31T22:30:00Z',
    });
    expect(corrected.status).toBe(200);
    expect((await log.facts('payment-berlin-ts-1'))[1]).toMatchObject({
      type: 'PaymentCorrected',
      data: { payment_date: '2024-04-01' },
    });
    const unzoned = await request('POST', PAYMENTS, { ...late, payment_date: '2024-01-31T23:30' });
    expect(unzoned.status).toBe(400);
  });

  it('given an explicit payment_id, then it names the stream (a "-" in the company id is escaped)', async () => {
    await request('POST', '/companies', { id: 'acme-eu', name: 'Acme Europe' });

    const reply = await request('POST', '/companies/acme-eu/payments', {
      payment_id: 'inv-2020-001',
      ...payment,
    });

    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({
      payment_id: 'inv-2020-001',
      ...writeResult('payment-acme~eu-inv-2020-001', 1, 1),
    });
    expect(await log.facts('payment-acme~eu-inv-2020-001')).toHaveLength(1);
  });

  it('given a recorded payment_id, when it is sent with other facts, then 409', async () => {
    const paymentId = await givenPayment();

    const reply = await request('POST', PAYMENTS, {
      payment_id: paymentId,
      customer_id: 'cus_1',
      payment_date: '2020-01-15',
      amount: '100.01',
    });

    expect(reply.status).toBe(409);
    expect(reply.body).toEqual({
      status: 409,
      error: 'conflict',
      message: `payment (payment_id ${paymentId}): already recorded with a different customer, date or amount`,
    });
    expect(await log.facts(`payment-acme-${paymentId}`)).toHaveLength(1);
  });

  it('given no such company, then 404 naming it', async () => {
    const reply = await request('POST', '/companies/nowhere/payments', payment);

    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({
      status: 404,
      error: 'not_found',
      message: 'company (company_id nowhere) not found',
    });
  });

  it.each([
    [
      'a date that does not exist',
      'payment_date',
      "'2020-02-30' is not a date (YYYY-MM-DD)",
      { payment_date: '2020-02-30' },
    ],
    [
      'a month instead of a date',
      'payment_date',
      "'2020-02' is not a date (YYYY-MM-DD)",
      { payment_date: '2020-02' },
    ],
    ['a negative amount', 'amount', 'must not be negative', { amount: '-5.00' }],
    ['an amount with 3 decimals', 'amount', 'must have at most 2 decimals', { amount: '10.005' }],
    [
      'an amount as a JSON object',
      'amount',
      'amount must be a decimal number or string',
      { amount: {} },
    ],
    ['an unknown property', 'fee', 'property fee should not exist', { fee: '1.00' }],
    [
      'a payment_id with a space',
      'payment_id',
      'must be 1–100 characters of A-Z a-z 0-9 . _ : -',
      { payment_id: 'inv 1' },
    ],
  ])(
    'when it has %s, then 400 names %s and nothing is appended',
    async (_case, field, reason, change) => {
      const appends = await AppendCounter.start(ingest.app);

      const reply = await request('POST', PAYMENTS, { ...payment, ...change });

      expect(reply.status).toBe(400);
      expect(reply.body).toEqual({
        status: 400,
        error: 'validation_failed',
        message: `${field}: ${reason}`,
        issues: [{ field, reason }],
      });
      expect(await appends.appendedSinceLastLook()).toBe(0);
    },
  );
});

describe('PUT /payments/:id: correct a payment', () => {
  it('given a payment, when corrected, then 200 and PaymentCorrected with the new facts', async () => {
    const paymentId = await givenPayment();

    const reply = await request('PUT', `${PAYMENTS}/${paymentId}`, {
      customer_id: 'cus_2',
      payment_date: '2020-02-01',
      amount: '90.5',
    });

    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(writeResult(`payment-acme-${paymentId}`, 2, 1));
    expect((await log.facts(`payment-acme-${paymentId}`)).at(-1)).toEqual({
      type: 'PaymentCorrected',
      data: {
        payment_id: paymentId,
        customer_id: 'cus_2',
        payment_date: '2020-02-01',
        amount: '90.50',
      },
    });
  });

  it('given no such payment, when corrected, then 404', async () => {
    const reply = await request('PUT', `${PAYMENTS}/never-recorded`, {
      customer_id: 'cus_2',
      payment_date: '2020-02-01',
      amount: '90.50',
    });

    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({
      status: 404,
      error: 'not_found',
      message: 'payment (payment_id never-recorded) not found',
    });
  });
});

describe('DELETE /payments/:id: void a payment', () => {
  it('given a payment, when voided with a reason, then PaymentVoided; a refund of it is then 422', async () => {
    const paymentId = await givenPayment();

    const voided = await request('DELETE', `${PAYMENTS}/${paymentId}?reason=duplicate%20charge`);
    const refund = await request('POST', `${PAYMENTS}/${paymentId}/refunds`, { amount: '10' });

    expect(voided.status).toBe(200);
    expect(voided.body).toEqual(writeResult(`payment-acme-${paymentId}`, 2, 1));
    expect(refund.status).toBe(422);
    expect(refund.body).toEqual({
      status: 422,
      error: 'rule_violation',
      message: `payment ${paymentId} is voided and cannot be refunded`,
      rule: 'payment_voided',
    });
    expect((await log.facts(`payment-acme-${paymentId}`)).map((f) => f.type)).toEqual([
      'PaymentRecorded',
      'PaymentVoided',
    ]);
    expect((await log.facts(`payment-acme-${paymentId}`))[1]!.data).toEqual({
      payment_id: paymentId,
      reason: 'duplicate charge',
    });
  });
});

describe('POST /payments/:id/refunds: refund a payment', () => {
  it('given a payment of 100.00, when 30.00 is refunded, then 201 and PaymentRefunded; 70.01 more is 422', async () => {
    const paymentId = await givenPayment();

    const partial = await request('POST', `${PAYMENTS}/${paymentId}/refunds`, {
      refund_id: 'ref-1',
      amount: '30',
    });
    const beyond = await request('POST', `${PAYMENTS}/${paymentId}/refunds`, {
      amount: '70.01',
    });

    expect(partial.status).toBe(201);
    expect(partial.body).toEqual({
      refund_id: 'ref-1',
      ...writeResult(`payment-acme-${paymentId}`, 2, 1),
    });
    expect(beyond.status).toBe(422);
    expect(beyond.body).toEqual({
      status: 422,
      error: 'rule_violation',
      message: "refunds would total 100.01, more than the payment's 100.00",
      rule: 'refund_exceeds_payment',
    });
    expect((await log.facts(`payment-acme-${paymentId}`)).slice(1)).toEqual([
      {
        type: 'PaymentRefunded',
        data: { payment_id: paymentId, refund_id: 'ref-1', amount: '30.00' },
      },
    ]);
  });

  it('given a refund, when the same refund_id is sent again, then no new event; with another amount, 409', async () => {
    const paymentId = await givenPayment();
    const url = `${PAYMENTS}/${paymentId}/refunds`;
    const first = await request('POST', url, { refund_id: 'ref-1', amount: '25.00' });

    const repeat = await request('POST', url, { refund_id: 'ref-1', amount: '25' });
    const changed = await request('POST', url, { refund_id: 'ref-1', amount: '26' });

    expect(repeat.status).toBe(201);
    expect(repeat.body).toEqual({ ...first.body, events_appended: 0 });
    expect(changed.status).toBe(409);
    expect(changed.body.message).toBe(
      `refund (payment_id ${paymentId}, refund_id ref-1): already recorded with a different amount`,
    );
    expect(await log.facts(`payment-acme-${paymentId}`)).toHaveLength(2);
  });

  it('given no refund_id, then a uuid is generated and answered', async () => {
    const paymentId = await givenPayment();

    const reply = await request('POST', `${PAYMENTS}/${paymentId}/refunds`, { amount: '100' });

    expect(reply.status).toBe(201);
    expect(reply.body.refund_id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await log.facts(`payment-acme-${paymentId}`))[1]!.data).toEqual({
      payment_id: paymentId,
      refund_id: reply.body.refund_id,
      amount: '100.00',
    });
  });

  it('given no such payment, when refunded, then 404', async () => {
    const reply = await request('POST', `${PAYMENTS}/never-recorded/refunds`, { amount: '1' });

    expect(reply.status).toBe(404);
    expect(reply.body.message).toBe('payment (payment_id never-recorded) not found');
  });
});
