import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { httpWriter, writeWorkedTerms, WORKED_PAYMENTS } from '@cvf/gateway/testing';
import { bearer, contractClient, TEST_ADMIN_KEY } from '@cvf/platform/testing';
import { createTestDatabase, type TestDatabase, testServices } from '@cvf/test-support';
import { type Stack, startStack } from '@cvf/test-support/stack';

// The MCP server (issue "The API contract", item 5) against the whole system in one process
// on real PostgreSQL and Redis: the built stdio server (`npm run mcp`'s dist/apps/mcp) in a
// process of its own, and the /mcp endpoint, each driven by the SDK's own client. Every tool
// answer must be the REST answer to the same request with the same credential, refusals too.

const MCP_MAIN = join(__dirname, '../dist/apps/mcp/src/main.js');
const OWN = 'acme';
const OTHER = 'beta';
const TOOLS = [
  'list_companies',
  'get_cashflows',
  'get_owed',
  'get_cohorts_table',
  'list_breaches',
  'record_planned_spend',
  'record_actual_spend',
  'record_payment',
];

let database: TestDatabase;
let stack: Stack;
let base: string;
const keys = {} as Record<'company' | 'operations', { id: string; key: string }>;
const clients: Client[] = [];

interface Answer {
  readonly status: number;
  readonly text: string;
}

async function rest(method: string, path: string, token: string, body?: object): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...bearer(token),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

async function createKey(
  role: 'company' | 'operations',
  companyId?: string,
): Promise<{ id: string; key: string }> {
  const made = await contractClient(base, TEST_ADMIN_KEY).POST('/api-keys', {
    body: { role, name: `mcp spec ${role}`, ...(companyId ? { company_id: companyId } : {}) },
  });
  expect(made.response.status).toBe(201);
  return { id: made.data?.id ?? '', key: made.data?.key ?? '' };
}

/** The stdio server as an MCP client runs it, with the token in its environment. */
async function overStdio(token: string): Promise<Client> {
  const client = new Client({ name: 'mcp-spec', version: '1' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [MCP_MAIN],
      env: { CVF_API_URL: base, CVF_API_TOKEN: token, LOG_LEVEL: 'silent' },
      stderr: 'pipe',
    }),
  );
  clients.push(client);
  return client;
}

async function overHttp(token: string | null): Promise<Client> {
  const client = new Client({ name: 'mcp-spec', version: '1' });
  const headers: Record<string, string> = token === null ? {} : bearer(token);
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers } }),
  );
  clients.push(client);
  return client;
}

/** A tool's answer as REST's: the text of its one content block, and whether it is an error. */
async function call(client: Client, name: string, args: Record<string, unknown>) {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as { type: string; text: string }[];
  expect(content).toHaveLength(1);
  return { text: content[0]!.text, isError: result.isError === true };
}

const positionOf = (text: string): string => {
  const { position } = JSON.parse(text) as { position?: unknown };
  if (typeof position !== 'string') throw new Error(`no position in ${text}`);
  return position;
};

beforeAll(async () => {
  database = await createTestDatabase('mcp');
  stack = await startStack({
    databaseUrl: database.url,
    redisUrl: testServices.redisUrl,
    label: 'mcp',
    asAdminByDefault: false,
  });
  base = await stack.listen();
  await writeWorkedTerms(httpWriter(base), OWN);
  await writeWorkedTerms(httpWriter(base), OTHER);
  const best = await contractClient(base, TEST_ADMIN_KEY).PUT(
    '/companies/{companyId}/predictions/{scenario}',
    { params: { path: { companyId: OWN, scenario: 'BEST' } }, body: { m0: '0.4', churn: '0.1' } },
  );
  expect(best.response.status).toBe(200);
  keys.company = await createKey('company', OWN);
  keys.operations = await createKey('operations');
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await stack?.close();
  await database?.drop();
});

describe('over stdio (the built `npm run mcp` server, CVF_API_URL and CVF_API_TOKEN)', () => {
  it('lists the tools', async () => {
    const client = await overStdio(keys.company.key);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(TOOLS);
  });

  it('records spend and payments as the company, then reads them back as REST answers them', async () => {
    const client = await overStdio(keys.company.key);
    const planned = await call(client, 'record_planned_spend', {
      company_id: OWN,
      cohort_month: '2020-05',
      planned_spend: '800.00',
    });
    expect(planned.isError).toBe(false);
    expect(JSON.parse(planned.text)).toMatchObject({ events_appended: 1 });
    const actual = await call(client, 'record_actual_spend', {
      company_id: OWN,
      cohort_month: '2020-01',
      actual_spend: '1000.00',
    });
    expect(JSON.parse(actual.text)).toMatchObject({ events_appended: 1 });

    let position = '';
    for (const payment of WORKED_PAYMENTS) {
      const recorded = await call(client, 'record_payment', { company_id: OWN, ...payment });
      expect(recorded.isError).toBe(false);
      expect(JSON.parse(recorded.text)).toMatchObject({
        payment_id: payment.payment_id,
        events_appended: 1,
      });
      position = positionOf(recorded.text);
    }
    // The same payment again records nothing new, as REST's answer says.
    const again = await call(client, 'record_payment', { company_id: OWN, ...WORKED_PAYMENTS[0] });
    expect(JSON.parse(again.text)).toMatchObject({ events_appended: 0 });

    const min = encodeURIComponent(position);
    const token = keys.company.key;
    const owed = await call(client, 'get_owed', {
      company_id: OWN,
      month: '2020-02',
      min_position: position,
    });
    // DOMAIN.md's worked example: owed for 2020-02 is 420.
    expect(JSON.parse(owed.text)).toEqual({ month: '2020-02-01', currency: 'USD', owed: '420.00' });
    expect(owed).toEqual({
      text: (await rest('GET', `/companies/${OWN}/owed?month=2020-02&min_position=${min}`, token))
        .text,
      isError: false,
    });
    const reads: [string, Record<string, unknown>, string][] = [
      ['get_cashflows', {}, `/companies/${OWN}/cashflows`],
      ['get_cohorts_table', {}, `/companies/${OWN}/cohorts_table`],
      ['list_breaches', {}, `/companies/${OWN}/breaches`],
    ];
    for (const [name, args, path] of reads) {
      const answer = await call(client, name, { company_id: OWN, ...args, min_position: position });
      const expected = await rest('GET', `${path}?min_position=${min}`, token);
      expect(expected.status).toBe(200);
      expect({ name, ...answer }).toEqual({ name, text: expected.text, isError: false });
    }
    const cashflows = JSON.parse((await call(client, 'get_cashflows', { company_id: OWN })).text);
    expect(cashflows).toMatchObject({ view: 'actual' });
    const companies = await call(client, 'list_companies', {});
    expect(companies.text).toBe((await rest('GET', '/companies', token)).text);
    expect(JSON.parse(companies.text)).toMatchObject({ data: [{ id: OWN }] });

    // Every event records the MCP client's credential as its actor.
    const trail = await rest('GET', `/companies/${OWN}/events?limit=200`, token);
    const actors = (
      JSON.parse(trail.text) as { data: { type: string; metadata: { actor: string } }[] }
    ).data
      .filter((event) => event.type === 'PaymentRecorded')
      .map((event) => event.metadata.actor);
    expect(new Set(actors)).toEqual(new Set([`key:${keys.company.id}:company`]));
  });

  it('refuses what REST refuses, with the same problem details', async () => {
    const operations = await overStdio(keys.operations.key);
    const company = await overStdio(keys.company.key);
    const payment = { customer_id: 'c9', payment_date: '2020-03-03', amount: '10.00' };
    const cases: [Client, string, string, Record<string, unknown>, string, string, object?][] = [
      // A fund role that only reads payments may not record one (403).
      [
        operations,
        keys.operations.key,
        'record_payment',
        { company_id: OWN, ...payment },
        'POST',
        `/companies/${OWN}/payments`,
        payment,
      ],
      [
        operations,
        keys.operations.key,
        'record_planned_spend',
        { company_id: OWN, cohort_month: '2020-06', planned_spend: '5' },
        'POST',
        `/companies/${OWN}/spends`,
        { cohort_month: '2020-06', planned_spend: '5' },
      ],
      // A company sees no predictions (403), and no other company (404, as if missing).
      [
        company,
        keys.company.key,
        'get_cashflows',
        { company_id: OWN, scenario: 'BEST' },
        'GET',
        `/companies/${OWN}/cashflows/predicted?scenario=BEST`,
      ],
      [
        company,
        keys.company.key,
        'get_owed',
        { company_id: OTHER },
        'GET',
        `/companies/${OTHER}/owed`,
      ],
      // Values are the API's to judge: a bad amount is its 400 naming the field.
      [
        company,
        keys.company.key,
        'record_payment',
        { company_id: OWN, ...payment, amount: '10.001' },
        'POST',
        `/companies/${OWN}/payments`,
        { ...payment, amount: '10.001' },
      ],
    ];
    const statuses: number[] = [];
    for (const [client, token, name, args, method, path, body] of cases) {
      const answer = await call(client, name, args);
      const expected = await rest(method, path, token, body);
      statuses.push(expected.status);
      expect({ name, ...answer }).toEqual({ name, text: expected.text, isError: true });
    }
    expect(statuses).toEqual([403, 403, 403, 404, 400]);
    // What the operations role may read, it reads.
    const predicted = await call(operations, 'get_cashflows', {
      company_id: OWN,
      scenario: 'BEST',
    });
    expect(predicted.isError).toBe(false);
    expect(JSON.parse(predicted.text)).toMatchObject({ view: 'predicted' });
  });

  it('a token the API does not know: every call is its 401', async () => {
    const client = await overStdio('cvfk_notakeyweeverissued000000000000000000');
    const answer = await call(client, 'list_companies', {});
    const expected = await rest('GET', '/companies', 'cvfk_notakeyweeverissued000000000000000000');
    expect(expected.status).toBe(401);
    expect(answer).toEqual({ text: expected.text, isError: true });
  });

  it('without CVF_API_TOKEN the server does not start, and says which variable (exit 78)', () => {
    const run = spawnSync(process.execPath, [MCP_MAIN], {
      env: { CVF_API_URL: base },
      input: '',
      encoding: 'utf8',
    });
    expect(run.status).toBe(78);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/CVF_API_TOKEN: required/);
  });
});

describe("over Streamable HTTP at /mcp (in-process, with the request's Authorization)", () => {
  it('offers every tool (this process serves ingest and gateway) and answers as REST', async () => {
    const client = await overHttp(keys.company.key);
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(TOOLS);
    const recorded = await call(client, 'record_payment', {
      company_id: OWN,
      payment_id: 'http-1',
      customer_id: '4',
      payment_date: '2020-05-10',
      amount: '25.00',
    });
    expect(JSON.parse(recorded.text)).toMatchObject({ payment_id: 'http-1', events_appended: 1 });
    const position = positionOf(recorded.text);
    const table = await call(client, 'get_cohorts_table', {
      company_id: OWN,
      min_position: position,
    });
    const expected = await rest(
      'GET',
      `/companies/${OWN}/cohorts_table?min_position=${encodeURIComponent(position)}`,
      keys.company.key,
    );
    expect(table).toEqual({ text: expected.text, isError: false });
    expect(table.text).toContain('2020-05-01');
  });

  it('refuses a tool call as its REST route does', async () => {
    const client = await overHttp(keys.operations.key);
    const payment = { customer_id: 'c9', payment_date: '2020-03-03', amount: '10.00' };
    const answer = await call(client, 'record_payment', { company_id: OWN, ...payment });
    const expected = await rest('POST', `/companies/${OWN}/payments`, keys.operations.key, payment);
    expect(expected.status).toBe(403);
    expect(answer).toEqual({ text: expected.text, isError: true });
  });

  it('without a credential: 401 before any MCP message is read, as every REST route', async () => {
    const refused = overHttp(null);
    await expect(refused).rejects.toBeInstanceOf(StreamableHTTPError);
    await expect(refused).rejects.toMatchObject({ code: 401 });

    const raw = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    const routeAnswer = await fetch(`${base}/companies`);
    expect(raw.status).toBe(401);
    expect(raw.headers.get('www-authenticate')).toMatch(/^Bearer realm="cvf"/);
    expect(await raw.text()).toBe(await routeAnswer.text());
  });

  it('opens no server stream: GET /mcp is 405', async () => {
    const response = await fetch(`${base}/mcp`, { headers: bearer(keys.company.key) });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });
});
