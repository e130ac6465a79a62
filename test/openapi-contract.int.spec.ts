import { type CvfClient, paymentsFile } from '@cvf/client';
import { euroChargeEvent, postStripeEvent } from '@cvf/ingest/testing';
import {
  contractClient,
  contractCoverage,
  contractFetch,
  TEST_ADMIN_KEY,
} from '@cvf/platform/testing';
import { createTestDatabase, type TestDatabase, testServices } from '@cvf/test-support';
import { type Stack, startStack } from '@cvf/test-support/stack';

// The API contract (issue 12, items 3 and 4): every operation of the all-in-one document is
// called at least once, through the typed client, with the error answers each kind of route
// gives (400, 401, 403, 404, 409, 412, 413, 415, 422); every answer is checked against the
// document (the stack's hook, and the client's middleware), and the document itself keeps
// the rules a typed client relies on.

let database: TestDatabase;
let stack: Stack;
let base: string;
/** As the test admin (every route with a policy admits admin). */
let api: CvfClient;
/** As a company credential of CO (for 403s). */
let company: CvfClient;
/** Without a credential (401s). */
let anonymous: CvfClient;

const CO = 'contract-co';
const path = { params: { path: { companyId: CO } } } as const;

interface Answer {
  readonly response: Response;
  readonly error?: unknown;
}

/** The status, or the answer as the failure message. */
function expectStatus(answer: Answer, status: number): void {
  if (answer.response.status !== status) {
    throw new Error(
      `expected ${status}, got ${answer.response.status}: ${JSON.stringify(answer.error)}`,
    );
  }
}

beforeAll(async () => {
  database = await createTestDatabase('openapi_contract');
  stack = await startStack({
    databaseUrl: database.url,
    redisUrl: testServices.redisUrl,
    label: 'openapi-contract',
    asAdminByDefault: false,
  });
  base = await stack.listen();
  api = contractClient(base, TEST_ADMIN_KEY);
  anonymous = contractClient(base);
}, 30_000);

afterAll(async () => {
  await stack?.close();
  await database?.drop();
});

describe('every operation, through the typed client', () => {
  it('answers as the document says, successes and errors alike', async () => {
    // API keys, companies.
    const key = await api.POST('/api-keys', {
      body: { role: 'company', company_id: CO, name: 'contract spec' },
    });
    expectStatus(key, 201);
    company = contractClient(base, key.data?.key ?? '');
    expectStatus(await api.POST('/api-keys', { body: { role: 'root' as 'admin' } }), 400);
    const spare = await api.POST('/api-keys', { body: { role: 'operations' } });
    expectStatus(await api.GET('/api-keys'), 200);
    expectStatus(
      await api.DELETE('/api-keys/{keyId}', { params: { path: { keyId: spare.data?.id ?? '' } } }),
      200,
    );
    expectStatus(await anonymous.GET('/companies'), 401);
    expectStatus(await api.POST('/companies', { body: { id: CO, name: 'Contract Co' } }), 201);
    expectStatus(await api.POST('/companies', { body: { id: CO, name: 'Again' } }), 409);
    expectStatus(await company.POST('/companies', { body: { name: 'Not mine to add' } }), 403);
    expectStatus(await api.GET('/companies', { params: { query: { limit: 1 } } }), 200);
    expectStatus(await api.GET('/companies', { params: { query: { limit: 0 } } }), 400);
    expectStatus(
      await api.PUT('/companies/{companyId}', { ...path, body: { name: 'C. Co' } }),
      200,
    );
    expectStatus(
      await api.PUT('/companies/{companyId}', {
        ...path,
        body: { name: 'Stale' },
        headers: { 'if-match': '"99"' },
      }),
      412,
    );
    expectStatus(await api.GET('/companies/{companyId}', path), 200);
    expectStatus(
      await api.GET('/companies/{companyId}', { params: { path: { companyId: 'nobody' } } }),
      404,
    );
    expectStatus(await api.GET('/companies/{companyId}/terms', path), 200);

    // Terms.
    const month = { params: { path: { companyId: CO, cohortMonth: '2020-01' } } };
    expectStatus(
      await api.POST('/companies/{companyId}/spends', {
        ...path,
        body: { cohort_month: '2020-01', planned_spend: '1000.00' },
      }),
      201,
    );
    expectStatus(
      await api.PUT('/companies/{companyId}/spends/{cohortMonth}', {
        ...month,
        body: { planned_spend: '1100.00' },
      }),
      200,
    );
    expectStatus(
      await api.PUT('/companies/{companyId}/spends/{cohortMonth}/actual', {
        ...month,
        body: { actual_spend: '1000.00' },
      }),
      200,
    );
    expectStatus(await api.GET('/companies/{companyId}/spends', path), 200);
    const trade = { cohort_month: '2020-01', sharing_percentage: '0.8', cash_cap: '500.00' };
    expectStatus(await api.POST('/companies/{companyId}/trades', { ...path, body: trade }), 201);
    expectStatus(await api.POST('/companies/{companyId}/trades', { ...path, body: trade }), 409);
    expectStatus(
      await api.PUT('/companies/{companyId}/trades/{cohortMonth}', {
        ...month,
        body: { sharing_percentage: '0.8', cash_cap: '600.00' },
      }),
      200,
    );
    expectStatus(await api.GET('/companies/{companyId}/trades', path), 200);
    expectStatus(
      await api.POST('/companies/{companyId}/thresholds', {
        ...path,
        body: { payment_period_month: 1, minimum_payment_percent: '0.25' },
      }),
      201,
    );
    const period = { params: { path: { companyId: CO, period: 2 } } };
    expectStatus(
      await api.PUT('/companies/{companyId}/thresholds/{period}', {
        ...period,
        body: { minimum_payment_percent: '0.1' },
      }),
      200,
    );
    expectStatus(await api.GET('/companies/{companyId}/thresholds', path), 200);
    expectStatus(await api.DELETE('/companies/{companyId}/thresholds/{period}', period), 200);
    expectStatus(await api.DELETE('/companies/{companyId}/thresholds/{period}', period), 404);
    const waiver = { cohort_month: '2020-01', payment_period_month: 1, reason: 'agreed' };
    expectStatus(
      await api.POST('/companies/{companyId}/threshold-overrides', { ...path, body: waiver }),
      201,
    );
    expectStatus(await api.GET('/companies/{companyId}/threshold-overrides', path), 200);
    expectStatus(
      await api.DELETE('/companies/{companyId}/threshold-overrides/{cohortMonth}/{period}', {
        params: { path: { companyId: CO, cohortMonth: '2020-01', period: 1 } },
      }),
      200,
    );
    expectStatus(
      await api.PUT('/companies/{companyId}/predictions/{scenario}', {
        params: { path: { companyId: CO, scenario: 'BEST' } },
        body: { m0: '0.4', churn: '0.1' },
      }),
      200,
    );
    expectStatus(await api.GET('/companies/{companyId}/predictions', path), 200);
    expectStatus(await company.GET('/companies/{companyId}/predictions', path), 403);

    // Payments.
    const payment = { customer_id: 'c1', payment_date: '2020-01-15', amount: '200.00' };
    const recorded = await api.POST('/companies/{companyId}/payments', {
      ...path,
      body: { ...payment, payment_id: 'p1' },
    });
    expectStatus(recorded, 201);
    expectStatus(
      await api.POST('/companies/{companyId}/payments', {
        ...path,
        body: { ...payment, amount: '1.234' },
      }),
      400,
    );
    const p1 = { params: { path: { companyId: CO, paymentId: 'p1' } } };
    expectStatus(
      await api.PUT('/companies/{companyId}/payments/{paymentId}', {
        ...p1,
        body: { ...payment, amount: '250.00' },
      }),
      200,
    );
    expectStatus(
      await api.POST('/companies/{companyId}/payments/{paymentId}/refunds', {
        ...p1,
        body: { amount: '50.00' },
      }),
      201,
    );
    expectStatus(
      await api.POST('/companies/{companyId}/payments/{paymentId}/refunds', {
        ...p1,
        body: { amount: '5000.00' },
      }),
      422,
    );
    const uploaded = await api.POST('/companies/{companyId}/payments/upload', {
      ...path,
      body: paymentsFile('customer_id,payment_date,amount\nc2,2020-02-03,300.00\n'),
    });
    expectStatus(uploaded, 200);
    const asJson = await contractFetch(`${base}/companies/${CO}/payments/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(asJson.status).toBe(415);
    const tooLarge = await contractFetch(`${base}/companies/${CO}/spends`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ cohort_month: '2020-01', planned_spend: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(tooLarge.status).toBe(413);
    expectStatus(
      await api.POST('/companies/{companyId}/payments', {
        ...path,
        body: { ...payment, payment_id: 'p2', customer_id: 'c3' },
      }),
      201,
    );
    const voided = await api.DELETE('/companies/{companyId}/payments/{paymentId}', {
      params: { path: { companyId: CO, paymentId: 'p2' }, query: { reason: 'duplicate' } },
    });
    expectStatus(voided, 200);
    const seen = {
      params: { path: { companyId: CO }, query: { min_position: voided.data?.position ?? '' } },
    };
    expectStatus(await api.GET('/companies/{companyId}/payments', seen), 200);
    expectStatus(
      await api.GET('/companies/{companyId}/payments', {
        params: { path: { companyId: CO }, query: { from: '2020-13-01' } },
      }),
      400,
    );
    expectStatus(await api.GET('/companies/{companyId}/customers', seen), 200);
    const one = (paymentId: string) => ({
      params: { path: { companyId: CO, paymentId }, query: seen.params.query },
    });
    expectStatus(await api.GET('/companies/{companyId}/payments/{paymentId}', one('p2')), 200);
    expectStatus(await api.GET('/companies/{companyId}/payments/{paymentId}', one('p9')), 404);
    const spendOf = (cohortMonth: string) => ({
      params: { path: { companyId: CO, cohortMonth }, query: seen.params.query },
    });
    expectStatus(
      await api.GET('/companies/{companyId}/spends/{cohortMonth}', spendOf('2020-01')),
      200,
    );
    expectStatus(
      await api.GET('/companies/{companyId}/spends/{cohortMonth}', spendOf('2031-01')),
      404,
    );
    expectStatus(await api.GET('/companies/{companyId}/spends/{cohortMonth}', spendOf('x')), 400);
    expectStatus(await anonymous.GET('/health'), 200);

    // Computed reads.
    expectStatus(await api.GET('/companies/{companyId}/cashflows', seen), 200);
    expectStatus(await api.GET('/companies/{companyId}/cohorts_table', seen), 200);
    expectStatus(
      await api.GET('/companies/{companyId}/owed', {
        params: { path: { companyId: CO }, query: { month: '2020-02' } },
      }),
      200,
    );
    expectStatus(await api.GET('/companies/{companyId}/breaches', seen), 200);
    expectStatus(await api.GET('/companies/{companyId}/metrics', seen), 200);
    expectStatus(await company.GET('/companies/{companyId}/metrics', seen), 200);
    expectStatus(
      await api.GET('/companies/{companyId}/cashflows/predicted', {
        params: { path: { companyId: CO }, query: { scenario: 'BEST' } },
      }),
      200,
    );
    expectStatus(
      await api.POST('/companies/{companyId}/cashflows/predicted', {
        ...path,
        body: { churn: '0.1', scenario: 'BEST', horizon_months: 12 },
      }),
      200,
    );
    expectStatus(
      await api.POST('/companies/{companyId}/cashflows/predicted', {
        ...path,
        body: { churn: '2' },
      }),
      400,
    );
    expectStatus(
      await api.GET('/companies/{companyId}/events', {
        params: { path: { companyId: CO }, query: { limit: 5 } },
      }),
      200,
    );

    // Streams: their errors are JSON problems (the stream itself is checked by its own specs).
    expectStatus(
      await api.GET('/companies/{companyId}/breaches/stream', {
        params: { path: { companyId: 'nobody' } },
        parseAs: 'stream',
      }),
      404,
    );
    expectStatus(await company.GET('/breaches/stream', { parseAs: 'stream' }), 403);

    // Webhooks.
    const secret = await api.POST('/companies/{companyId}/webhook-secrets', path);
    expectStatus(secret, 201);
    expectStatus(await api.GET('/companies/{companyId}/webhook-secrets', path), 200);
    const rejected = await postStripeEvent(
      base,
      CO,
      secret.data?.secret ?? '',
      euroChargeEvent('ch_eur', 'evt_eur'),
    );
    expect(rejected.status).toBe(200);
    const forged = await postStripeEvent(base, CO, 'whsec_wrong', euroChargeEvent('ch_x', 'evt_x'));
    expect(forged.status).toBe(400);
    expectStatus(await api.GET('/companies/{companyId}/webhook-deliveries', path), 200);
    expectStatus(
      await api.POST('/companies/{companyId}/webhook-deliveries/{eventId}/replay', {
        params: { path: { companyId: CO, eventId: 'evt_eur' } },
      }),
      200,
    );
    expectStatus(
      await api.POST('/companies/{companyId}/webhook-deliveries/{eventId}/replay', {
        params: { path: { companyId: CO, eventId: 'evt_none' } },
      }),
      404,
    );
    expectStatus(
      await api.DELETE('/companies/{companyId}/webhook-secrets/{secretId}', {
        params: { path: { companyId: CO, secretId: secret.data?.secret_id ?? '' } },
      }),
      200,
    );

    // MCP, health.
    expectStatus(
      await company.POST('/mcp', {
        body: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        headers: { accept: 'application/json, text/event-stream' },
      }),
      200,
    );
    expectStatus(await company.GET('/mcp'), 405);
    expectStatus(await anonymous.GET('/health/live'), 200);
    expectStatus(await anonymous.GET('/health/ready'), 200);
  });

  it('left no operation of the document unexercised', async () => {
    const document = (await (await fetch(`${base}/docs/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    const operations = Object.values(document.paths).flatMap((item) =>
      Object.values(item).map((operation) => operation.operationId),
    );
    const covered = contractCoverage(stack.app);
    expect(operations.filter((id) => !covered.has(id))).toEqual([]);
    // Errors of every kind a route gives were among the answers checked.
    const statuses = new Set([...covered.values()].flatMap((seen) => [...seen]));
    for (const status of [200, 201, 400, 401, 403, 404, 405, 409, 412, 413, 415, 422]) {
      expect([...statuses]).toContain(status);
    }
  });
});

describe('the document', () => {
  it('is OpenAPI 3.1 with unique camelCase operationIds, required fields and a problem on every error', async () => {
    const document = (await (await fetch(`${base}/docs/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { operationId: string; responses: Record<string, Record<string, unknown>> }>
      >;
      components: { schemas: Record<string, unknown> };
    };
    expect(document.openapi).toBe('3.1.0');
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
    const ids = operations.map((operation) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => !/^[a-z][a-zA-Z0-9]+$/.test(id))).toEqual([]);
    const text = JSON.stringify(document);
    expect(text).not.toContain('"nullable"');
    // Every object schema that lists properties says which are always there.
    const unrequired: string[] = [];
    const visit = (node: unknown, where: string): void => {
      if (Array.isArray(node)) return node.forEach((item, i) => visit(item, `${where}/${i}`));
      if (typeof node !== 'object' || node === null) return;
      const schema = node as Record<string, unknown>;
      if (typeof schema.properties === 'object' && !Array.isArray(schema.required)) {
        unrequired.push(where);
      }
      for (const [key, value] of Object.entries(schema)) visit(value, `${where}/${key}`);
    };
    visit(document.components.schemas, '#/components/schemas');
    expect(unrequired).toEqual([]);
    // Every error answer is JSON (an SSE route's errors too).
    const notJson = operations.flatMap((operation) =>
      Object.entries(operation.responses)
        .filter(([status]) => status >= '400')
        .filter(([, response]) => !('application/json' in ((response.content as object) ?? {})))
        .map(([status]) => `${operation.operationId} ${status}`),
    );
    expect(notJson).toEqual([]);
  });
});
