import { EventLog, send, type HttpReply, type Method } from './testing/ingest-http';
import { startIngestTestApp, type IngestTestApp } from './testing/ingest-test-app';

// The bodies the Python API's clients send (README "Python API compatibility"): money and
// rates as JSON numbers, taken exactly as written; its field names (spend,
// cohort_start_at) beside ours; ids of list items in the paths; ratios echoed as entered.

let ingest: IngestTestApp;
let log: EventLog;

/** A body as these exact JSON bytes: a number stays the number the client wrote. */
const sendJson = (method: Method, url: string, json: string): Promise<HttpReply> =>
  send(ingest.app, method, url, json, { 'content-type': 'application/json' });

let companies = 0;
async function givenCompany(): Promise<string> {
  const id = `py-${++companies}`;
  const reply = await send(ingest.app, 'POST', '/companies', { id, name: `Python ${companies}` });
  expect(reply.status).toBe(201);
  return id;
}

const lastFact = async (companyId: string) =>
  (await log.facts(`company-${companyId}`)).at(-1) ?? null;

beforeAll(async () => {
  ingest = await startIngestTestApp('ingest_python_compat');
  log = new EventLog(ingest.database.url);
});

afterAll(async () => {
  await log.close();
  await ingest.close();
});

describe('money and rates as JSON numbers', () => {
  it('given a trade in the Python API’s shape, then its numbers are recorded exactly as written', async () => {
    const id = await givenCompany();

    const reply = await sendJson(
      'POST',
      `/companies/${id}/trades`,
      '{"cohort_start_at": "2024-01-01", "sharing_percentage": 0.5, "cash_cap": 1500.0}',
    );

    expect(reply.status).toBe(201);
    expect(await lastFact(id)).toEqual({
      type: 'TradeCreated',
      data: { cohort_month: '2024-01-01', sharing_percentage: '0.5', cash_cap: '1500.00' },
    });
  });

  it('given a spend and a threshold as numbers, then cents are exact and the period stays an integer', async () => {
    const id = await givenCompany();

    const spend = await sendJson(
      'POST',
      `/companies/${id}/spends`,
      '{"cohort_month": "2024-01-01", "spend": 1000.1}',
    );
    const threshold = await sendJson(
      'POST',
      `/companies/${id}/thresholds`,
      '{"payment_period_month": 1, "minimum_payment_percent": 0.25}',
    );

    expect([spend.status, threshold.status]).toEqual([201, 201]);
    expect((await log.facts(`company-${id}`)).slice(1)).toEqual([
      { type: 'SpendPlanned', data: { cohort_month: '2024-01-01', planned_spend: '1000.10' } },
      { type: 'ThresholdSet', data: { payment_period_month: 1, minimum_payment_percent: '0.25' } },
    ]);
  });

  it.each([
    ['more decimals than the currency has', '1000.001', 'must have at most 2 decimals'],
    ['a negative number', '-1', 'must not be negative'],
    ['a number beyond exact cents', '1e20', 'is too large'],
  ])('given %s, then the same 400 as for the decimal string', async (_case, raw, reason) => {
    const id = await givenCompany();
    const reply = await sendJson(
      'POST',
      `/companies/${id}/spends`,
      `{"cohort_month": "2024-01", "planned_spend": ${raw}}`,
    );
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ issues: [{ field: 'planned_spend', reason }] });
  });

  it('given a JSON body above the body limit, then 413 as before: the exact parser keeps the limit', async () => {
    const id = await givenCompany();
    const reply = await sendJson(
      'POST',
      `/companies/${id}/spends`,
      `{"cohort_month": "2024-01", "spend": 1, "pad": "${'x'.repeat(1024 * 1024)}"}`,
    );
    expect(reply.status).toBe(413);
  });

  it('given a period as a fraction, then 400: integer fields take whole numbers only', async () => {
    const id = await givenCompany();
    const reply = await sendJson(
      'POST',
      `/companies/${id}/thresholds`,
      '{"payment_period_month": 1.5, "minimum_payment_percent": 0.25}',
    );
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ issues: [{ field: 'payment_period_month' }] });
  });
});

describe("the Python API's field names", () => {
  it('given both names of one field, then 400 naming the alias, and nothing is appended', async () => {
    const id = await givenCompany();
    const before = (await log.facts(`company-${id}`)).length;

    const spend = await sendJson(
      'POST',
      `/companies/${id}/spends`,
      '{"cohort_month": "2024-01", "spend": 10, "planned_spend": 10}',
    );
    const trade = await sendJson(
      'POST',
      `/companies/${id}/trades`,
      '{"cohort_month": "2024-01", "cohort_start_at": "2024-01-01", "sharing_percentage": 0.5, "cash_cap": 1}',
    );

    expect(spend.status).toBe(400);
    expect(spend.body).toMatchObject({
      error: 'validation_failed',
      issues: [{ field: 'spend', reason: expect.stringContaining('planned_spend') as unknown }],
    });
    expect(trade.status).toBe(400);
    expect(trade.body).toMatchObject({
      issues: [
        { field: 'cohort_start_at', reason: expect.stringContaining('cohort_month') as unknown },
      ],
    });
    expect(await log.facts(`company-${id}`)).toHaveLength(before);
  });

  it('given PUT spends/{id} with the spend and its own month in the body, then the spend is re-planned', async () => {
    const id = await givenCompany();
    await sendJson('POST', `/companies/${id}/spends`, '{"cohort_month": "2024-01-01", "spend": 1}');

    const same = await sendJson(
      'PUT',
      `/companies/${id}/spends/2024-01-01`,
      '{"cohort_month": "2024-01", "spend": 1200.0}',
    );
    const other = await sendJson(
      'PUT',
      `/companies/${id}/spends/2024-01-01`,
      '{"cohort_month": "2024-02-01", "spend": 1}',
    );

    expect(same.status).toBe(200);
    expect(await lastFact(id)).toEqual({
      type: 'SpendPlanned',
      data: { cohort_month: '2024-01-01', planned_spend: '1200.00' },
    });
    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({ issues: [{ field: 'cohort_month' }] });
  });

  it('given PUT thresholds/{id} with its period in the body, then it must be the path’s', async () => {
    const id = await givenCompany();

    const same = await sendJson(
      'PUT',
      `/companies/${id}/thresholds/1`,
      '{"payment_period_month": 1, "minimum_payment_percent": 0.3}',
    );
    const other = await sendJson(
      'PUT',
      `/companies/${id}/thresholds/1`,
      '{"payment_period_month": 2, "minimum_payment_percent": 0.3}',
    );

    expect(same.status).toBe(200);
    expect(await lastFact(id)).toEqual({
      type: 'ThresholdSet',
      data: { payment_period_month: 1, minimum_payment_percent: '0.3' },
    });
    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({ issues: [{ field: 'payment_period_month' }] });
  });
});

describe('contractual ratios as entered', () => {
  it('given 1.0 and 0.50, then the terms echo 1.0 and 0.50; the same value respelled changes nothing', async () => {
    const id = await givenCompany();
    await sendJson(
      'POST',
      `/companies/${id}/trades`,
      '{"cohort_month": "2024-01", "sharing_percentage": 1.0, "cash_cap": 10}',
    );
    await sendJson(
      'POST',
      `/companies/${id}/thresholds`,
      '{"payment_period_month": 1, "minimum_payment_percent": "0.50"}',
    );

    const respelled = await sendJson(
      'PUT',
      `/companies/${id}/thresholds/1`,
      '{"minimum_payment_percent": 0.5}',
    );
    const terms = await send(ingest.app, 'GET', `/companies/${id}/terms`);

    expect(respelled.body).toMatchObject({ events_appended: 0 });
    expect(terms.body).toMatchObject({
      trades: [{ id: '2024-01-01', sharing_percentage: '1.0' }],
      thresholds: [{ id: 1, payment_period_month: 1, minimum_payment_percent: '0.50' }],
    });
  });
});
