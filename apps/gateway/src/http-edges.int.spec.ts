import { call, withMin, write } from './testing/gateway-http';
import { type GatewayTestApp, startGatewayTestApp } from './testing/gateway-test-app';

// The edges of the HTTP contract on the gateway's reads (the in-process stack, where the
// ingest's writes share the paths): a trailing slash names the same route, a known path asked
// with a method it lacks is 405 with Allow, an unknown path stays 404.

let stack: GatewayTestApp;
let position: string;
beforeAll(async () => {
  stack = await startGatewayTestApp('gateway_http_edges');
  await write(stack.app, 'POST', '/companies/', { id: 'edge', name: 'Edge' });
  position = await write(stack.app, 'POST', '/companies/edge/payments/', {
    payment_id: 'e1',
    customer_id: 'c1',
    payment_date: '2021-01-05',
    amount: '10.00',
  });
}, 30_000);
afterAll(() => stack?.close());

describe('a trailing slash', () => {
  it('reads the same list: GET /companies/ ≡ GET /companies', async () => {
    const slashed = await call<{ data: { id: string }[] }>(
      stack.app,
      'GET',
      withMin('/companies/', position),
    );
    expect(slashed.status).toBe(200);
    expect(slashed.body.data.map((company) => company.id)).toEqual(['edge']);
    const plain = await call(stack.app, 'GET', withMin('/companies', position));
    expect(plain.text).toBe(slashed.text);
  });

  it('reads the same payments: GET /companies/{id}/payments/', async () => {
    const reply = await call<{ data: { payment_id: string }[] }>(
      stack.app,
      'GET',
      withMin('/companies/edge/payments/', position),
    );
    expect(reply.status).toBe(200);
    expect(reply.body.data.map((payment) => payment.payment_id)).toEqual(['e1']);
  });

  it('leaves the OpenAPI document without a trailing-slash path', async () => {
    const reply = await call<{ paths: Record<string, unknown> }>(
      stack.app,
      'GET',
      '/docs/openapi.json',
    );
    const paths = Object.keys(reply.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/companies', '/companies/{companyId}/payments']),
    );
    expect(paths.filter((path) => path.endsWith('/'))).toEqual([]);
  });
});

describe('a method a known path lacks', () => {
  it('answers 405 with the Allow of every app on the path: DELETE /companies', async () => {
    const reply = await call(stack.app, 'DELETE', '/companies');
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('GET, HEAD, POST');
    expect(reply.body).toEqual({
      status: 405,
      error: 'method_not_allowed',
      message: 'DELETE is not allowed on /companies; it answers GET, HEAD, POST',
      allowed: ['GET', 'HEAD', 'POST'],
    });
  });

  it('stays 404 for a path no route has', async () => {
    const reply = await call(stack.app, 'DELETE', '/companies/edge/nothing-here');
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ error: 'not_found' });
  });
});
