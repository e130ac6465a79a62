import { createHash } from 'node:crypto';
import { derivePaymentId } from '@cvf/domain';
import { comparePositions, decodePosition, positionOf } from '@cvf/event-store';
import { AppendCounter, EventLog, send, type HttpReply } from '../testing/ingest-http';
import { startIngestTestApp, type IngestTestApp } from '../testing/ingest-test-app';

// CSV uploads over HTTP against real PostgreSQL: all rows or none, re-uploads record
// nothing new, and every way a file can be wrong answers with what to fix.

let ingest: IngestTestApp;
let log: EventLog;
let appended: AppendCounter;
const UPLOAD = '/companies/acme/payments/upload';

function multipart(csv: string | Buffer, filename = 'payments.csv') {
  const boundary = '----cvf-test-boundary';
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\n` +
        'Content-Type: text/csv\r\n\r\n',
    ),
    Buffer.isBuffer(csv) ? csv : Buffer.from(csv),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(
  csv: string | Buffer,
  headers: Record<string, string> = {},
  target: IngestTestApp = ingest,
  url = UPLOAD,
): Promise<HttpReply> {
  const body = multipart(csv);
  const response = await target.app.inject({
    method: 'POST',
    url,
    payload: body.payload,
    headers: { ...body.headers, ...headers },
  });
  return { status: response.statusCode, body: response.json(), headers: response.headers };
}

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
const derived = (customer: string, date: string, cents: number, occurrence = 1) =>
  derivePaymentId(customer, date, cents, occurrence, sha256Hex);

beforeAll(async () => {
  ingest = await startIngestTestApp('ingest_uploads');
  log = new EventLog(ingest.database.url);
  await send(ingest.app, 'POST', '/companies', { id: 'acme', name: 'Acme' });
  appended = await AppendCounter.start(ingest.app);
});

afterAll(async () => {
  await log.close();
  await ingest.close();
});

describe('a valid file', () => {
  const csv = [
    'customer_id,payment_date,amount,payment_id',
    'cus_1,2020-01-15,200.00,inv-1',
    'cus_1,2020-02-15,100,',
    'cus_2,2020-02-01,400.5,',
    'cus_2,2020-02-01,400.5,',
  ].join('\n');

  it('records every row once, with derived ids for rows without one, and answers the counts', async () => {
    const reply = await upload(csv, { 'x-request-id': 'upload-1' });

    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      rows: 4,
      recorded: 4,
      already_recorded: 0,
      position: expect.stringMatching(/^\d+:\d+$/),
      correlation_id: 'upload-1',
    });
    expect(await appended.appendedSinceLastLook()).toBe(4);
    const ids = [
      'inv-1',
      derived('cus_1', '2020-02-15', 10_000),
      derived('cus_2', '2020-02-01', 40_050, 1),
      derived('cus_2', '2020-02-01', 40_050, 2),
    ];
    const events = await Promise.all(
      ids.map(async (id) => (await log.readStream(`payment-acme-${id}`))[0]),
    );
    expect(events[2]).toMatchObject({
      type: 'PaymentRecorded',
      streamVersion: 1,
      data: {
        payment_id: ids[2],
        customer_id: 'cus_2',
        payment_date: '2020-02-01',
        amount: '400.50',
        source: 'csv',
        source_ref: 'payments.csv:4',
      },
      metadata: { companyId: 'acme', actor: 'key:config-admin:admin', correlationId: 'upload-1' },
    });
    // One transaction; the answer names the last of its positions (the store writes in
    // stream id order, so that need not be the last row's).
    const positions = events.map((e) => positionOf(e!)).sort(comparePositions);
    expect(new Set(positions.map((p) => p.transactionId)).size).toBe(1);
    expect(decodePosition(String(reply.body.position))).toEqual(positions.at(-1));
  });

  it('given the same file again, records nothing and counts every row as already recorded', async () => {
    const reply = await upload(csv);

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ rows: 4, recorded: 0, already_recorded: 4, position: null });
    expect(await appended.appendedSinceLastLook()).toBe(0);
  });

  it('given a header only, records nothing', async () => {
    const reply = await upload('customer_id,payment_date,amount\n');
    expect(reply.body).toMatchObject({ rows: 0, recorded: 0, already_recorded: 0 });
  });
});

describe('a file with bad rows', () => {
  it('answers 400 naming row, column and reason of each, and records nothing', async () => {
    const reply = await upload(
      [
        'customer_id,payment_date,amount,payment_id',
        'cus_1,2020-01-15,10.00,ok-1',
        ',2020-02-30,-1,',
        'cus_3,2020-01-15,1.234,',
        'cus_4,2020-01-15,5,bad id',
        'cus_5,2020-01-15,5,ok-1',
        'cus_\u00006,2020-01-15,5,',
      ].join('\n'),
    );

    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ error: 'validation_failed', issue_count: 7 });
    expect(reply.body.issues).toEqual([
      { row: 3, column: 'customer_id', reason: 'is required' },
      { row: 3, column: 'payment_date', reason: "'2020-02-30' is not a date (YYYY-MM-DD)" },
      { row: 3, column: 'amount', reason: 'must not be negative' },
      { row: 4, column: 'amount', reason: 'must have at most 2 decimals' },
      { row: 5, column: 'payment_id', reason: expect.stringMatching(/^must be 1–100/) },
      { row: 6, column: 'payment_id', reason: "duplicate payment_id 'ok-1' (first at row 2)" },
      { row: 7, column: 'customer_id', reason: expect.stringMatching(/NUL character/) },
    ]);
    expect(await appended.appendedSinceLastLook()).toBe(0);
    expect(await log.readStream('payment-acme-ok-1')).toEqual([]);
  });

  it('takes an optional currency column, which must be the company’s (USD here)', async () => {
    const reply = await upload(
      [
        'customer_id,payment_date,amount,payment_id,currency',
        'cus_1,2020-01-15,10.00,cur-1,USD',
        'cus_2,2020-01-15,10.00,cur-2,EUR',
        'cus_3,2020-01-15,10.00,cur-3,dollars',
      ].join('\n'),
    );
    expect(reply.status).toBe(400);
    expect(reply.body.issues).toEqual([
      { row: 3, column: 'currency', reason: "is EUR; the company's amounts are in USD" },
      { row: 4, column: 'currency', reason: expect.stringContaining('ISO 4217') },
    ]);
    expect(await appended.appendedSinceLastLook()).toBe(0);
    const usd = await upload(
      'customer_id,payment_date,amount,payment_id,currency\ncus_1,2020-01-15,10.00,cur-1,USD',
    );
    expect(usd.status).toBe(200);
    expect(await appended.appendedSinceLastLook()).toBe(1);
  });

  it('refuses the row where the amounts add up beyond exact integers, instead of a 500', async () => {
    const rows = Array.from(
      { length: 10 },
      (_, i) => `big-${i},2020-01-15,9999999999999.99,big-${i}`,
    );
    const reply = await upload(['customer_id,payment_date,amount,payment_id', ...rows].join('\n'));
    expect(reply.status).toBe(400);
    expect(reply.body.issues).toEqual([
      {
        row: 11,
        column: 'amount',
        reason: expect.stringMatching(
          /add up to more than 90071992547409\.91 USD from this row on/,
        ),
      },
    ]);
    expect(await appended.appendedSinceLastLook()).toBe(0);
  });

  it('lists the first 100 of 150 bad rows and counts them all', async () => {
    const rows = Array.from({ length: 150 }, (_, i) => `cus_${i},2020-01-15,abc`);
    const reply = await upload(['customer_id,payment_date,amount', ...rows].join('\n'));

    expect(reply.status).toBe(400);
    expect(reply.body.issue_count).toBe(150);
    const issues = reply.body.issues as { row: number }[];
    expect(issues).toHaveLength(100);
    expect(issues[0]).toEqual({
      row: 2,
      column: 'amount',
      reason: "'abc' is not a decimal amount",
    });
    expect(issues[99]?.row).toBe(101);
    expect(await appended.appendedSinceLastLook()).toBe(0);
  });

  it('names a missing column', async () => {
    const reply = await upload('customer_id,payment_date\ncus_1,2020-01-15\n');

    expect(reply.status).toBe(400);
    expect(reply.body.issues).toEqual([
      { row: 1, column: 'amount', reason: 'missing column (expected one of: amount)' },
    ]);
  });

  it('refuses a row with more cells than the header (an unquoted 1,000), passes empty trailing ones', async () => {
    const reply = await upload(
      [
        'customer_id,payment_date,amount',
        'cus_1,2020-01-15,1,000',
        'cus_2,2020-01-15,"1,000"',
      ].join('\n'),
    );
    expect(reply.status).toBe(400);
    expect(reply.body.issues).toEqual([
      { row: 2, column: '*', reason: expect.stringMatching(/^has 4 cells where the header has 3/) },
      { row: 3, column: 'amount', reason: expect.any(String) },
    ]);
    expect(await appended.appendedSinceLastLook()).toBe(0);
    const trailing = await upload('customer_id,payment_date,amount\ncus_t,2020-01-15,10.00,,\n');
    expect(trailing.status).toBe(200);
    expect(await appended.appendedSinceLastLook()).toBe(1);
  });

  it('refuses a file that is not UTF-8, naming line and column, instead of storing U+FFFD', async () => {
    const latin1 = Buffer.from(
      'customer_id,payment_date,amount\ncus_1,2020-01-15,1.00\nJos\xe9,2020-01-15,2.00\n',
      'latin1',
    );
    const reply = await upload(latin1);
    expect(reply.status).toBe(400);
    expect(reply.body.issues).toEqual([
      { row: 3, column: 'customer_id', reason: expect.stringContaining('not valid UTF-8') },
    ]);
    // A quoted cell holding a comma and a line break still counts as one cell of its row.
    const quoted = Buffer.from(
      '"payment_date",customer_id,amount\n2020-01-15,"a, b\nc",1.00\n2020-01-15,x,\xff\n',
      'latin1',
    );
    expect((await upload(quoted)).body.issues).toEqual([
      { row: 4, column: 'amount', reason: expect.stringContaining('not valid UTF-8') },
    ]);
    expect(await appended.appendedSinceLastLook()).toBe(0);
    const utf8 = await upload('customer_id,payment_date,amount\nJosé,2020-01-15,2.00\n');
    expect(utf8.status).toBe(200);
    expect(await appended.appendedSinceLastLook()).toBe(1);
  });

  it('refuses an empty file and malformed CSV', async () => {
    expect((await upload('')).body.issues).toEqual([
      { row: 1, column: '*', reason: 'the file is empty: a header row is required' },
    ]);
    const malformed = await upload('customer_id,payment_date,amount\n"cus_1,2020-01-15,1\n');
    expect(malformed.status).toBe(400);
    expect(malformed.body.issues).toMatchObject([{ column: '*' }]);
  });
});

describe('a multipart body that ends early', () => {
  it('answers 400 (not 500) saying so, and records nothing', async () => {
    const boundary = '----cvf-test-boundary';
    const truncated = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.csv"\r\n` +
        'Content-Type: text/csv\r\n\r\ncustomer_id,payment_date,amount\ncus_1,2020-01-15,1.00\n',
    );
    const response = await ingest.app.inject({
      method: 'POST',
      url: UPLOAD,
      payload: truncated,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: 'bad_request',
      message: expect.stringContaining('the upload ended before its multipart body did'),
    });
    expect(await appended.appendedSinceLastLook()).toBe(0);
  });
});

describe('a payment id recorded with other facts', () => {
  it('answers 409 listing the rows with both versions of the facts, and records nothing', async () => {
    const recorded = await send(ingest.app, 'POST', '/companies/acme/payments', {
      payment_id: 'inv-9',
      customer_id: 'cus_9',
      payment_date: '2020-03-01',
      amount: '90.00',
    });
    expect(recorded.status).toBe(201);
    await appended.appendedSinceLastLook();

    const reply = await upload(
      [
        'customer_id,payment_date,amount,payment_id',
        'cus_10,2020-03-02,1.00,inv-10',
        'cus_9,2020-03-01,95.00,inv-9',
      ].join('\n'),
    );

    expect(reply.status).toBe(409);
    expect(reply.body).toMatchObject({
      error: 'payment_conflict',
      conflict_count: 1,
      conflicts: [
        {
          row: 3,
          payment_id: 'inv-9',
          uploaded: { customer_id: 'cus_9', payment_date: '2020-03-01', amount: '95.00' },
          recorded: { customer_id: 'cus_9', payment_date: '2020-03-01', amount: '90.00' },
        },
      ],
    });
    expect(await appended.appendedSinceLastLook()).toBe(0);
    expect(await log.readStream('payment-acme-inv-10')).toEqual([]);
  });

  it('judges a payment stored in an older schema version by its upcast facts', async () => {
    await log.store.append(
      'payment-acme-old-1',
      [
        {
          eventId: '6f1c1f0e-8f5b-4b8e-9d53-2d0f6a8a0b11',
          type: 'PaymentRecorded',
          schemaVersion: 1,
          data: {
            payment_id: 'old-1',
            customer_id: 'cus_old',
            payment_date: '2019-12-01',
            amount_cents: 1234,
          },
          metadata: {
            companyId: 'acme',
            occurredAt: '2019-12-01T00:00:00.000Z',
            actor: 'api',
            causationId: null,
            correlationId: null,
          },
        },
      ],
      { kind: 'no-stream' },
    );
    await appended.appendedSinceLastLook();

    const reply = await upload(
      'customer_id,payment_date,amount,payment_id\ncus_old,2019-12-01,12.34,old-1\n',
    );

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ recorded: 0, already_recorded: 1 });
  });
});

describe('an Idempotency-Key on an upload', () => {
  // Two files of the same length: a fingerprint of the length alone would replay the first
  // answer for the second file, which would then never be recorded.
  const first = ['customer_id,payment_date,amount', 'idem_1,2021-03-01,10.00'].join('\n');
  const second = ['customer_id,payment_date,amount', 'idem_2,2021-03-01,20.00'].join('\n');

  it('given the same file again, then the first answer is replayed and nothing new is recorded', async () => {
    await appended.appendedSinceLastLook();
    const reply = await upload(first, { 'idempotency-key': 'upload-key-1' });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ rows: 1, recorded: 1 });
    expect(await appended.appendedSinceLastLook()).toBe(1);

    const again = await upload(first, { 'idempotency-key': 'upload-key-1' });
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(reply.body);
    expect(await appended.appendedSinceLastLook()).toBe(0);
  });

  it('given another file of the same length under the same key, then 422 and nothing is recorded', async () => {
    expect(second.length).toBe(first.length);
    await appended.appendedSinceLastLook();
    const reply = await upload(second, { 'idempotency-key': 'upload-key-1' });
    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({ error: 'idempotency_key_reused' });
    expect(await appended.appendedSinceLastLook()).toBe(0);

    // Under a key of its own it is an upload like any other.
    const own = await upload(second, { 'idempotency-key': 'upload-key-2' });
    expect(own.body).toMatchObject({ rows: 1, recorded: 1 });
  });
});

describe('requests that are not a payments file', () => {
  it('answers 404 for an unknown company', async () => {
    const reply = await upload(
      'customer_id,payment_date,amount\n',
      {},
      ingest,
      '/companies/nope/payments/upload',
    );
    expect(reply.status).toBe(404);
  });

  it('answers 415 for a body that is not multipart, and 400 for one without a file part', async () => {
    const json = await send(ingest.app, 'POST', UPLOAD, { rows: [] });
    expect(json.status).toBe(415);
    const csv = await send(ingest.app, 'POST', UPLOAD, 'customer_id,payment_date,amount\n', {
      'content-type': 'text/csv',
    });
    expect(csv.status).toBe(415);

    const boundary = 'b';
    const response = await ingest.app.inject({
      method: 'POST',
      url: UPLOAD,
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n--${boundary}--\r\n`,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(response.statusCode).toBe(400);
  });
});

describe('the OpenAPI document', () => {
  it('describes the upload as multipart with a binary file part, and the webhook routes', async () => {
    const response = await ingest.app.inject({ method: 'GET', url: '/docs/openapi.json' });
    const document = response.json<{
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>>;
      components: { schemas: Record<string, unknown> };
    }>();
    const upload = document.paths['/companies/{companyId}/payments/upload']?.post;
    expect(upload?.requestBody?.content['multipart/form-data']).toEqual({
      schema: { $ref: '#/components/schemas/UploadPaymentsForm' },
    });
    expect(document.components.schemas.UploadPaymentsForm).toMatchObject({
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' } },
    });
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/webhooks/{companyId}/{provider}',
        '/companies/{companyId}/webhook-secrets',
        '/companies/{companyId}/webhook-deliveries',
        '/companies/{companyId}/webhook-secrets/{secretId}',
      ]),
    );
  });
});

describe('the upload limit', () => {
  let small: IngestTestApp;
  beforeAll(async () => {
    small = await startIngestTestApp('ingest_upload_limit', { UPLOAD_LIMIT_BYTES: '1024' });
    await send(small.app, 'POST', '/companies', { id: 'acme', name: 'Acme' });
  });
  afterAll(async () => {
    await small.close();
  });

  it('answers 413 for a file above it and records nothing', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => `cus_${i},2020-01-15,10.00`);
    const counter = await AppendCounter.start(small.app);

    const reply = await upload(['customer_id,payment_date,amount', ...rows].join('\n'), {}, small);

    expect(reply.status).toBe(413);
    expect(reply.body).toMatchObject({ error: 'payload_too_large', limit_bytes: 1024 });
    expect(await counter.appendedSinceLastLook()).toBe(0);
    const fits = await upload('customer_id,payment_date,amount\ncus_1,2020-01-15,1\n', {}, small);
    expect(fits.body).toMatchObject({ recorded: 1 });
  });
});
