import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createCvfMcpServer } from './cvf-mcp-server';
import { type RestAnswer, type RestRequest } from './rest';

// Each tool is one REST call: given its arguments, then this request; given the API's answer,
// then that body as the result (isError unless 2xx). The API itself is faked here; the
// integration spec (test/mcp.int.spec.ts) runs the real one.

interface Sent {
  readonly method: string;
  readonly target: string;
  readonly service: string;
  readonly body?: Readonly<Record<string, unknown>>;
}

async function connect(answer: (request: RestRequest) => RestAnswer | Promise<RestAnswer>) {
  const sent: Sent[] = [];
  const server = createCvfMcpServer(async (request) => {
    sent.push({
      method: request.route.method,
      target: request.target,
      service: request.route.service,
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    return answer(request);
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'unit', version: '1' });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  return { client, sent, close: () => client.close() };
}

const ok = (): RestAnswer => ({ status: 200, body: '{"ok":true}' });

it('lists the tools with JSON schemas; there is no explain tool (the API has no such route)', async () => {
  const { client, close } = await connect(ok);
  const { tools } = await client.listTools();
  expect(tools.map((tool) => tool.name)).toEqual([
    'list_companies',
    'get_cashflows',
    'get_owed',
    'get_cohorts_table',
    'list_breaches',
    'record_planned_spend',
    'record_actual_spend',
    'record_payment',
  ]);
  const payment = tools.find((tool) => tool.name === 'record_payment');
  expect(payment?.inputSchema).toMatchObject({
    type: 'object',
    properties: { company_id: { type: 'string' }, amount: { type: 'string' } },
    required: ['company_id', 'customer_id', 'payment_date', 'amount'],
  });
  expect(payment?.annotations).toMatchObject({ readOnlyHint: false, idempotentHint: true });
  expect(tools.find((tool) => tool.name === 'get_owed')?.annotations?.readOnlyHint).toBe(true);
  await close();
});

describe.each([
  [
    'list_companies',
    { limit: 2, cursor: 'abc' },
    { method: 'GET', target: '/companies?limit=2&cursor=abc', service: 'gateway' },
  ],
  [
    'get_cashflows',
    { company_id: 'acme' },
    { method: 'GET', target: '/companies/acme/cashflows', service: 'gateway' },
  ],
  [
    'get_cashflows',
    { company_id: 'acme', scenario: 'BEST', min_position: '5:7' },
    {
      method: 'GET',
      target: '/companies/acme/cashflows/predicted?scenario=BEST&min_position=5%3A7',
      service: 'gateway',
    },
  ],
  [
    'get_owed',
    { company_id: 'a/b c', month: '2020-02' },
    { method: 'GET', target: '/companies/a%2Fb%20c/owed?month=2020-02', service: 'gateway' },
  ],
  [
    'get_cohorts_table',
    { company_id: 'acme' },
    { method: 'GET', target: '/companies/acme/cohorts_table', service: 'gateway' },
  ],
  [
    'list_breaches',
    { company_id: 'acme' },
    { method: 'GET', target: '/companies/acme/breaches', service: 'gateway' },
  ],
  [
    'record_planned_spend',
    { company_id: 'acme', cohort_month: '2020-01', planned_spend: '1000' },
    {
      method: 'POST',
      target: '/companies/acme/spends',
      service: 'ingest',
      body: { cohort_month: '2020-01', planned_spend: '1000' },
    },
  ],
  [
    'record_actual_spend',
    { company_id: 'acme', cohort_month: '2020-01', actual_spend: '950.00' },
    {
      method: 'PUT',
      target: '/companies/acme/spends/2020-01/actual',
      service: 'ingest',
      body: { actual_spend: '950.00' },
    },
  ],
  [
    'record_payment',
    { company_id: 'acme', customer_id: 'c1', payment_date: '2020-01-15', amount: '200.00' },
    {
      method: 'POST',
      target: '/companies/acme/payments',
      service: 'ingest',
      body: { customer_id: 'c1', payment_date: '2020-01-15', amount: '200.00' },
    },
  ],
])('%s %j', (name, args, request) => {
  it('is one REST call, answered with its body', async () => {
    const { client, sent, close } = await connect(ok);
    const result = await client.callTool({ name, arguments: args });
    expect(sent).toEqual([request]);
    expect(result).toEqual({ content: [{ type: 'text', text: '{"ok":true}' }] });
    await close();
  });
});

it('given a refusal, then an error result holding the problem details as the API sent them', async () => {
  const problem = '{"status":403,"error":"forbidden","message":"the operations role may not"}';
  const { client, close } = await connect(() => ({ status: 403, body: problem }));
  const result = await client.callTool({
    name: 'record_payment',
    arguments: { company_id: 'acme', customer_id: 'c1', payment_date: '2020-01-15', amount: '1' },
  });
  expect(result).toEqual({ content: [{ type: 'text', text: problem }], isError: true });
  await close();
});

it('given an API that does not answer, then an error result saying so', async () => {
  const { client, close } = await connect(() => {
    throw new Error('the CVF API did not answer GET http://127.0.0.1:1/companies: ECONNREFUSED');
  });
  const result = await client.callTool({ name: 'list_companies', arguments: {} });
  expect(result).toMatchObject({ isError: true, content: [{ text: /did not answer/ }] });
  await close();
});

it('given arguments off the schema, then nothing is sent', async () => {
  const { client, sent, close } = await connect(ok);
  const result = await client.callTool({ name: 'get_owed', arguments: { month: '2020-01' } });
  expect(result.isError).toBe(true);
  expect(sent).toEqual([]);
  await close();
});
