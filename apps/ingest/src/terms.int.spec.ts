import { EventLog, send, writeResult, type Fact, type Method } from './testing/ingest-http';
import { startIngestTestApp, type IngestTestApp } from './testing/ingest-test-app';

// Terms on the company stream (trades, spends, thresholds, overrides, prediction
// assumptions) over HTTP: each route is one command; the decider names the fields it rejects.

let ingest: IngestTestApp;
let log: EventLog;
const request = (method: Method, url: string, payload?: object) =>
  send(ingest.app, method, url, payload);

/** The events a write added to a company stream: what the log gained since `before`. */
async function appendedSince(companyId: string, before: number): Promise<readonly Fact[]> {
  return (await log.facts(`company-${companyId}`)).slice(before);
}

async function versionOf(companyId: string): Promise<number> {
  return (await log.readStream(`company-${companyId}`)).length;
}

/** A freshly registered company per test, so each reads on its own. */
let companies = 0;
async function givenCompany(): Promise<string> {
  const id = `co-${++companies}`;
  const reply = await request('POST', '/companies', { id, name: `Company ${companies}` });
  expect(reply.status).toBe(201);
  return id;
}

beforeAll(async () => {
  ingest = await startIngestTestApp('ingest_terms');
  log = new EventLog(ingest.database.url);
});

afterAll(async () => {
  await log.close();
  await ingest.close();
});

describe('trades', () => {
  it('when a trade is created, then 201 and TradeCreated with normalised month and cents, its ratio as entered', async () => {
    const id = await givenCompany();

    const reply = await request('POST', `/companies/${id}/trades`, {
      cohort_month: '2020-01',
      sharing_percentage: '0.80',
      cash_cap: '500',
    });

    expect(reply.status).toBe(201);
    expect(reply.body).toEqual(writeResult(`company-${id}`, 2, 1));
    expect(await appendedSince(id, 1)).toEqual([
      {
        type: 'TradeCreated',
        data: { cohort_month: '2020-01-01', sharing_percentage: '0.80', cash_cap: '500.00' },
      },
    ]);
  });

  it('given a trade for a month, when another is created for that month in another spelling, then 409', async () => {
    const id = await givenCompany();
    const trade = { sharing_percentage: '0.8', cash_cap: '500' };
    await request('POST', `/companies/${id}/trades`, { cohort_month: '2020-01', ...trade });

    const reply = await request('POST', `/companies/${id}/trades`, {
      cohort_month: '2020-01-01',
      ...trade,
    });

    expect(reply.status).toBe(409);
    expect(reply.body).toEqual({
      status: 409,
      error: 'conflict',
      message: 'trade (cohort_month 2020-01-01): already exists; amend it',
    });
    expect(await versionOf(id)).toBe(2);
  });

  it('given a trade, when amended, then 200 and TradeAmended; when a missing month is amended, then 404', async () => {
    const id = await givenCompany();
    await request('POST', `/companies/${id}/trades`, {
      cohort_month: '2020-01',
      sharing_percentage: '0.8',
      cash_cap: '500',
    });
    const terms = { sharing_percentage: '0.5', cash_cap: '750.50' };

    const amended = await request('PUT', `/companies/${id}/trades/2020-01`, terms);
    const missing = await request('PUT', `/companies/${id}/trades/2020-02`, terms);

    expect(amended.status).toBe(200);
    expect(await appendedSince(id, 2)).toEqual([
      { type: 'TradeAmended', data: { cohort_month: '2020-01-01', ...terms } },
    ]);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      status: 404,
      error: 'not_found',
      message: 'trade (cohort_month 2020-02-01) not found',
    });
  });

  it('when sharing_percentage and cash_cap are both out of range, then 400 lists both fields', async () => {
    const id = await givenCompany();

    const reply = await request('POST', `/companies/${id}/trades`, {
      cohort_month: '2020-03',
      sharing_percentage: '1.5',
      cash_cap: '0',
    });

    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      status: 400,
      error: 'validation_failed',
      message:
        'sharing_percentage: must be greater than 0 and at most 1; cash_cap: must be greater than 0',
      issues: [
        { field: 'sharing_percentage', reason: 'must be greater than 0 and at most 1' },
        { field: 'cash_cap', reason: 'must be greater than 0' },
      ],
    });
    expect(await versionOf(id)).toBe(1);
  });
});

describe('spends', () => {
  it('when spend is planned, replanned and its actual reported, then SpendPlanned twice and SpendActualReported', async () => {
    const id = await givenCompany();

    const planned = await request('POST', `/companies/${id}/spends`, {
      cohort_month: '2020-01',
      planned_spend: '1000',
    });
    const replanned = await request('PUT', `/companies/${id}/spends/2020-01`, {
      planned_spend: '1100.5',
    });
    const actual = await request('PUT', `/companies/${id}/spends/2020-01/actual`, {
      actual_spend: '950',
    });

    expect([planned.status, replanned.status, actual.status]).toEqual([201, 200, 200]);
    expect(actual.body).toEqual(writeResult(`company-${id}`, 4, 1));
    expect(await appendedSince(id, 1)).toEqual([
      { type: 'SpendPlanned', data: { cohort_month: '2020-01-01', planned_spend: '1000.00' } },
      { type: 'SpendPlanned', data: { cohort_month: '2020-01-01', planned_spend: '1100.50' } },
      { type: 'SpendActualReported', data: { cohort_month: '2020-01-01', actual_spend: '950.00' } },
    ]);
  });

  it('given no planned spend for the month, when its actual is reported, then 404 (the decider wants a plan first)', async () => {
    const id = await givenCompany();

    const reply = await request('PUT', `/companies/${id}/spends/2020-04/actual`, {
      actual_spend: '900',
    });

    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({
      status: 404,
      error: 'not_found',
      message: 'spend (cohort_month 2020-04-01) not found',
    });
    expect(await versionOf(id)).toBe(1);
  });
});

describe('thresholds', () => {
  it('when set by POST and PUT, then removed, then ThresholdSet twice and ThresholdRemoved; removing again is 404', async () => {
    const id = await givenCompany();

    const set = await request('POST', `/companies/${id}/thresholds`, {
      payment_period_month: 1,
      minimum_payment_percent: '0.25',
    });
    const put = await request('PUT', `/companies/${id}/thresholds/2`, {
      minimum_payment_percent: '0.3',
    });
    const removed = await request('DELETE', `/companies/${id}/thresholds/2`);
    const again = await request('DELETE', `/companies/${id}/thresholds/2`);

    expect([set.status, put.status, removed.status]).toEqual([201, 200, 200]);
    expect(await appendedSince(id, 1)).toEqual([
      { type: 'ThresholdSet', data: { payment_period_month: 1, minimum_payment_percent: '0.25' } },
      { type: 'ThresholdSet', data: { payment_period_month: 2, minimum_payment_percent: '0.3' } },
      { type: 'ThresholdRemoved', data: { payment_period_month: 2 } },
    ]);
    expect(again.status).toBe(404);
    expect(again.body).toEqual({
      status: 404,
      error: 'not_found',
      message: 'threshold (payment_period_month 2) not found',
    });
  });

  it.each([
    ['DELETE', 'abc'],
    ['DELETE', '1.5'],
    ['PUT', 'abc'],
  ] as const)(
    'when %s names period %j, then 400 names payment_period_month',
    async (method, period) => {
      const id = await givenCompany();

      const reply = await request(method, `/companies/${id}/thresholds/${period}`, {
        minimum_payment_percent: '0.3',
      });

      expect(reply.status).toBe(400);
      expect(reply.body).toEqual({
        status: 400,
        error: 'validation_failed',
        message: 'payment_period_month: must be a whole number of months ≥ 0',
        issues: [{ field: 'payment_period_month', reason: 'must be a whole number of months ≥ 0' }],
      });
      expect(await versionOf(id)).toBe(1);
    },
  );

  it('when the period is a number out of range, then 400 names payment_period_month', async () => {
    const id = await givenCompany();

    const reply = await request('PUT', `/companies/${id}/thresholds/-1`, {
      minimum_payment_percent: '0.3',
    });

    expect(reply.status).toBe(400);
    expect(reply.body.issues).toEqual([
      { field: 'payment_period_month', reason: "'-1' is not a whole number of months ≥ 0" },
    ]);
  });
});

describe('threshold overrides', () => {
  it('when a threshold is waived with a reason and later revoked, then ThresholdOverridden and ThresholdOverrideRevoked', async () => {
    const id = await givenCompany();

    const waived = await request('POST', `/companies/${id}/threshold-overrides`, {
      cohort_month: '2020-01',
      payment_period_month: 1,
      reason: 'Seasonal dip agreed with underwriting',
    });
    const revoked = await request('DELETE', `/companies/${id}/threshold-overrides/2020-01/1`);

    expect([waived.status, revoked.status]).toEqual([201, 200]);
    const key = { cohort_month: '2020-01-01', payment_period_month: 1 };
    expect(await appendedSince(id, 1)).toEqual([
      {
        type: 'ThresholdOverridden',
        data: { ...key, reason: 'Seasonal dip agreed with underwriting' },
      },
      { type: 'ThresholdOverrideRevoked', data: key },
    ]);
  });

  it('when the reason is missing or blank, then 400 names reason', async () => {
    const id = await givenCompany();
    const waiver = { cohort_month: '2020-01', payment_period_month: 1 };

    const missing = await request('POST', `/companies/${id}/threshold-overrides`, waiver);
    const blank = await request('POST', `/companies/${id}/threshold-overrides`, {
      ...waiver,
      reason: '  ',
    });

    expect([missing.status, blank.status]).toEqual([400, 400]);
    expect(missing.body.issues).toEqual([{ field: 'reason', reason: 'reason must be a string' }]);
    expect(blank.body.issues).toEqual([{ field: 'reason', reason: 'is required' }]);
    expect(await versionOf(id)).toBe(1);
  });

  it('when a waiver is revoked for a period that is not a number, then 400 names payment_period_month', async () => {
    const id = await givenCompany();

    const reply = await request('DELETE', `/companies/${id}/threshold-overrides/2020-01/first`);

    expect(reply.status).toBe(400);
    expect(reply.body.issues).toEqual([
      { field: 'payment_period_month', reason: 'must be a whole number of months ≥ 0' },
    ]);
  });

  it('given no waiver, when one is revoked, then 404', async () => {
    const id = await givenCompany();

    const reply = await request('DELETE', `/companies/${id}/threshold-overrides/2020-01/3`);

    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({
      status: 404,
      error: 'not_found',
      message: 'threshold override (cohort_month 2020-01-01, payment_period_month 3) not found',
    });
  });
});

describe('prediction assumptions', () => {
  it('when BEST is set, then 200 and PredictionAssumptionsSet', async () => {
    const id = await givenCompany();

    const reply = await request('PUT', `/companies/${id}/predictions/BEST`, {
      m0: '0.4',
      churn: '0.1',
    });

    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(writeResult(`company-${id}`, 2, 1));
    expect(await appendedSince(id, 1)).toEqual([
      { type: 'PredictionAssumptionsSet', data: { scenario: 'BEST', m0: '0.4', churn: '0.1' } },
    ]);
  });

  it.each([
    [
      'an unknown scenario',
      'GREAT',
      { m0: '0.4', churn: '0.1' },
      'scenario',
      'must be one of WORST, AVERAGE, BEST',
    ],
    [
      'a lower-case scenario',
      'best',
      { m0: '0.4', churn: '0.1' },
      'scenario',
      'must be one of WORST, AVERAGE, BEST',
    ],
    [
      'churn above 1',
      'BEST',
      { m0: '0.4', churn: '1.1' },
      'churn',
      'must be at least 0 and at most 1',
    ],
    ['a negative m0', 'WORST', { m0: '-0.1', churn: '0.1' }, 'm0', 'must not be negative'],
  ])('when given %s, then 400 names the field', async (_case, scenario, body, field, reason) => {
    const id = await givenCompany();

    const reply = await request('PUT', `/companies/${id}/predictions/${scenario}`, body);

    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      status: 400,
      error: 'validation_failed',
      message: `${field}: ${reason}`,
      issues: [{ field, reason }],
    });
    expect(await versionOf(id)).toBe(1);
  });
});
