import { comparePositions, decodePosition, encodePosition, positionOf } from '@cvf/event-store';
import { EventLog, send, writeResult, type Method } from './testing/ingest-http';
import { startIngestTestApp, type IngestTestApp } from './testing/ingest-test-app';

// Registering and renaming companies over HTTP, against real PostgreSQL: status, body and
// what lands in the company's stream.

let ingest: IngestTestApp;
let log: EventLog;
const request = (method: Method, url: string, payload?: object, headers?: Record<string, string>) =>
  send(ingest.app, method, url, payload, headers);

beforeAll(async () => {
  ingest = await startIngestTestApp('ingest_companies');
  log = new EventLog(ingest.database.url);
});

afterAll(async () => {
  await log.close();
  await ingest.close();
});

describe('POST /companies: register a company', () => {
  it('given no company, when registered with an id, then 201 answers the id and the stream starts with CompanyRegistered, its actor the principal and its correlation the request id', async () => {
    const reply = await request(
      'POST',
      '/companies',
      { id: 'acme', name: '  Acme Analytics ' },
      { 'x-actor': 'underwriting@fund', 'x-correlation-id': 'onboarding-7' },
    );

    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({ id: 'acme', ...writeResult('company-acme', 1, 1) });
    const events = await log.readStream('company-acme');
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['CompanyRegistered', { name: 'Acme Analytics', currency: 'USD', timezone: 'UTC' }],
    ]);
    // Headers a client sends cannot name the actor nor the correlation: the verified
    // credential and the request id (echoed on the answer) do.
    expect(events[0]!.metadata).toMatchObject({
      companyId: 'acme',
      actor: 'key:config-admin:admin',
      correlationId: reply.headers['x-request-id'],
    });
    expect(reply.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.body.position).toBe(encodePosition(positionOf(events[0]!)));
  });

  it('given a registered company, when registered again, then 409 and its stream is unchanged', async () => {
    await request('POST', '/companies', { id: 'twice', name: 'Twice Ltd' });

    const reply = await request('POST', '/companies', { id: 'twice', name: 'Twice Ltd' });

    expect(reply.status).toBe(409);
    expect(reply.body).toEqual({
      status: 409,
      error: 'conflict',
      message: 'company: is already registered',
    });
    expect(await log.facts('company-twice')).toHaveLength(1);
  });

  it('when registered without an id, then a uuid is generated, answered and used for the stream', async () => {
    const reply = await request('POST', '/companies', { name: 'Anonymous Inc' });

    expect(reply.status).toBe(201);
    const id = String(reply.body.id);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(reply.body).toEqual({ id, ...writeResult(`company-${id}`, 1, 1) });
    expect(await log.facts(`company-${id}`)).toEqual([
      {
        type: 'CompanyRegistered',
        data: { name: 'Anonymous Inc', currency: 'USD', timezone: 'UTC' },
      },
    ]);
  });

  it.each([
    ['a space', 'acme corp'],
    ['a slash', 'acme/eu'],
    ['a non-ASCII letter', 'café'],
    ['nothing', ''],
    ['101 characters', 'x'.repeat(101)],
  ])('when the id holds %s, then 400 names company_id', async (_label, id) => {
    const reply = await request('POST', '/companies', { id, name: 'Bad Id' });

    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      status: 400,
      error: 'validation_failed',
      message: 'company_id: must be 1–100 characters of A-Z a-z 0-9 . _ : -',
      issues: [{ field: 'company_id', reason: 'must be 1–100 characters of A-Z a-z 0-9 . _ : -' }],
    });
  });

  it('when the name is missing or blank, then 400 names name', async () => {
    const missing = await request('POST', '/companies', { id: 'nameless' });
    const blank = await request('POST', '/companies', { id: 'nameless', name: '   ' });

    expect(missing.status).toBe(400);
    expect(missing.body.issues).toEqual([{ field: 'name', reason: 'name must be a string' }]);
    expect(blank.status).toBe(400);
    expect(blank.body.issues).toEqual([{ field: 'name', reason: 'is required' }]);
    expect(await log.readStream('company-nameless')).toEqual([]);
  });

  it('registers a currency and a time zone, and refuses unknown ones naming each field', async () => {
    const eur = await request('POST', '/companies', {
      id: 'berlin-co',
      name: 'Berlin Co',
      currency: 'EUR',
      timezone: 'Europe/Berlin',
    });
    expect(eur.status).toBe(201);
    expect(await log.facts('company-berlin-co')).toEqual([
      {
        type: 'CompanyRegistered',
        data: { name: 'Berlin Co', currency: 'EUR', timezone: 'Europe/Berlin' },
      },
    ]);
    const bad = await request('POST', '/companies', {
      id: 'nowhere-co',
      name: 'Nowhere',
      currency: 'EURO',
      timezone: 'Europe/Atlantis',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([
      { field: 'currency', reason: expect.stringContaining('ISO 4217') },
      { field: 'timezone', reason: expect.stringContaining('IANA') },
    ]);
    expect(await log.readStream('company-nowhere-co')).toEqual([]);
  });
});

describe('PUT /companies/:id: rename, optionally guarded by If-Match', () => {
  beforeAll(async () => {
    await request('POST', '/companies', { id: 'beta', name: 'Beta' });
  });

  it('given the version read from the terms ETag, when renamed with that If-Match, then 200 and CompanyRenamed', async () => {
    const terms = await ingest.app.inject({ method: 'GET', url: '/companies/beta/terms' });
    expect(terms.headers.etag).toBe('"1"');

    const reply = await request(
      'PUT',
      '/companies/beta',
      { name: 'Beta Holdings' },
      { 'if-match': String(terms.headers.etag) },
    );

    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(writeResult('company-beta', 2, 1));
    expect((await log.facts('company-beta')).at(-1)).toEqual({
      type: 'CompanyRenamed',
      data: { name: 'Beta Holdings' },
    });
  });

  it('given the company moved on, when renamed with a stale If-Match, then 412 with current_version and nothing appended', async () => {
    const reply = await request(
      'PUT',
      '/companies/beta',
      { name: 'Beta Old' },
      { 'if-match': '1' },
    );

    expect(reply.status).toBe(412);
    expect(reply.body).toEqual({
      status: 412,
      error: 'version_mismatch',
      message: 'company-beta is at version 2, not 1 (If-Match); reload and retry',
      current_version: 2,
    });
    expect(await log.facts('company-beta')).toHaveLength(2);
  });

  it.each(['abc', '"v2"', '*', '-1', '"99999999999999999999"'])(
    'when If-Match is %j, then 400 names If-Match and nothing is appended',
    async (ifMatch) => {
      const reply = await request(
        'PUT',
        '/companies/beta',
        { name: 'Beta X' },
        { 'if-match': ifMatch },
      );

      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({
        error: 'validation_failed',
        message: `If-Match: '${ifMatch}' is not a stream version (e.g. "3")`,
        issues: [{ field: 'If-Match', reason: 'must be a stream version such as "3"' }],
      });
      expect(await log.facts('company-beta')).toHaveLength(2);
    },
  );

  it('when renamed to its current name, then 200 with events_appended 0', async () => {
    const reply = await request('PUT', '/companies/beta', { name: 'Beta Holdings' });

    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(writeResult('company-beta', 2, 0));
  });

  it('given no such company, when renamed, then 404', async () => {
    const reply = await request('PUT', '/companies/nobody', { name: 'Nobody' });

    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ status: 404, error: 'not_found', message: 'company not found' });
  });
});

describe('every write answers with stream_version and position', () => {
  it('given writes to company and payment streams, then each position is its event’s and positions increase', async () => {
    const writes = [
      await request('POST', '/companies', { id: 'gamma', name: 'Gamma' }),
      await request('POST', '/companies/gamma/spends', {
        cohort_month: '2020-01',
        planned_spend: '1000',
      }),
      await request('POST', '/companies/gamma/payments', {
        payment_id: 'inv-1',
        customer_id: 'c1',
        payment_date: '2020-01-15',
        amount: '200',
      }),
      await request('PUT', '/companies/gamma', { name: 'Gamma Group' }),
      await request('POST', '/companies/gamma/payments/inv-1/refunds', { amount: '20' }),
    ];

    expect(writes.map((w) => [w.status, w.body.stream_id, w.body.stream_version])).toEqual([
      [201, 'company-gamma', 1],
      [201, 'company-gamma', 2],
      [201, 'payment-gamma-inv-1', 1],
      [200, 'company-gamma', 3],
      [201, 'payment-gamma-inv-1', 2],
    ]);
    const positions = writes.map((w) => decodePosition(String(w.body.position)));
    for (let i = 1; i < positions.length; i++) {
      expect(comparePositions(positions[i - 1]!, positions[i]!)).toBeLessThan(0);
    }
    const stored = [
      ...(await log.readStream('company-gamma')),
      ...(await log.readStream('payment-gamma-inv-1')),
    ].map((event) => encodePosition(positionOf(event)));
    for (const write of writes) expect(stored).toContain(write.body.position);
  });
});
