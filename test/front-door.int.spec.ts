import { SignJWT } from 'jose';
import { httpWriter, writeWorkedExample } from '@cvf/gateway/testing';
import { ADMIN_HEADERS, bearer, contractClient, TEST_ADMIN_KEY } from '@cvf/platform/testing';
import { createTestDatabase, type TestDatabase, testServices } from '@cvf/test-support';
import { type Stack, startStack } from '@cvf/test-support/stack';

// Who may do what (ARCHITECTURE.md "Who may do what", issue "The front door"): every route the
// Nest router registered × every role × own and other company, against the whole system in
// one process on real PostgreSQL and Redis. The table below is written independently of the
// @Allow declarations: a new route without a row here fails the first test.

type Role = 'company' | 'underwriting' | 'operations' | 'admin';
type Policy = 'public' | readonly Exclude<Role, 'admin'>[];

const ALL: Policy = ['company', 'underwriting', 'operations'];
const FUND: Policy = ['underwriting', 'operations'];
const UW: Policy = ['underwriting'];
const OPS: Policy = ['operations'];
const CO: Policy = ['company'];
const ADMIN_ONLY: Policy = [];

interface Row {
  readonly policy: Policy;
  /** A request body (JSON) for write routes; multipart for the upload. */
  readonly body?: object;
  readonly query?: string;
  /** GETs whose answer must be 2xx for a role let through (reads of data that exists). */
  readonly read?: boolean;
}

const TRADE = { cohort_month: '2020-06', sharing_percentage: '0.5', cash_cap: '1000' };
const PAYMENT = { customer_id: 'c9', payment_date: '2020-02-10', amount: '10.00' };

// prettier-ignore
const ROUTES: Readonly<Record<string, Row>> = {
  'GET /health':                                               { policy: 'public' },
  'GET /health/live':                                          { policy: 'public' },
  'GET /health/ready':                                         { policy: 'public' },
  'POST /webhooks/:companyId/:provider':                       { policy: 'public', body: { id: 'evt_x', type: 'charge.succeeded' } },
  'POST /api-keys':                                            { policy: ADMIN_ONLY, body: { role: 'operations', name: 'access spec' } },
  'GET /api-keys':                                             { policy: ADMIN_ONLY, read: true },
  'DELETE /api-keys/:keyId':                                   { policy: ADMIN_ONLY },
  'POST /companies':                                           { policy: UW, body: { name: 'Newco' } },
  'PUT /companies/:companyId':                                 { policy: UW, body: { name: 'Renamed' } },
  'GET /companies/:companyId/terms':                           { policy: ALL, read: true },
  'POST /companies/:companyId/trades':                         { policy: UW, body: TRADE },
  'PUT /companies/:companyId/trades/:cohortMonth':             { policy: UW, body: { sharing_percentage: '0.5', cash_cap: '1000' } },
  'POST /companies/:companyId/spends':                         { policy: ['company', 'underwriting'], body: { cohort_month: '2020-07', planned_spend: '10' } },
  'PUT /companies/:companyId/spends/:cohortMonth':             { policy: ['company', 'underwriting'], body: { planned_spend: '10' } },
  'PUT /companies/:companyId/spends/:cohortMonth/actual':      { policy: ['company', 'underwriting'], body: { actual_spend: '10' } },
  'POST /companies/:companyId/thresholds':                     { policy: UW, body: { payment_period_month: 9, minimum_payment_percent: '0.01' } },
  'PUT /companies/:companyId/thresholds/:period':              { policy: UW, body: { minimum_payment_percent: '0.01' } },
  'DELETE /companies/:companyId/thresholds/:period':           { policy: UW },
  'POST /companies/:companyId/threshold-overrides':            { policy: OPS, body: { cohort_month: '2020-01', payment_period_month: 1, reason: 'access spec' } },
  'DELETE /companies/:companyId/threshold-overrides/:cohortMonth/:period': { policy: OPS },
  'PUT /companies/:companyId/predictions/:scenario':           { policy: UW, body: { m0: '0.2', churn: '0.1' } },
  'POST /companies/:companyId/payments':                       { policy: CO, body: PAYMENT },
  'PUT /companies/:companyId/payments/:paymentId':             { policy: CO, body: { customer_id: '1', payment_date: '2020-01-01', amount: '200.00' } },
  'DELETE /companies/:companyId/payments/:paymentId':          { policy: CO },
  'POST /companies/:companyId/payments/:paymentId/refunds':    { policy: CO, body: { amount: '1.00', refund_date: '2020-05-01' } },
  'POST /companies/:companyId/payments/upload':                { policy: CO },
  'POST /companies/:companyId/webhook-secrets':                { policy: CO },
  'GET /companies/:companyId/webhook-secrets':                 { policy: CO, read: true },
  'DELETE /companies/:companyId/webhook-secrets/:secretId':    { policy: CO },
  'GET /companies/:companyId/webhook-deliveries':              { policy: ALL, read: true },
  'POST /companies/:companyId/webhook-deliveries/:eventId/replay': { policy: ['company', 'operations'] },
  'GET /companies':                                            { policy: ALL, read: true },
  'GET /companies/:companyId':                                 { policy: ALL, read: true },
  'GET /companies/:companyId/payments':                        { policy: ALL, read: true },
  'GET /companies/:companyId/payments/:paymentId':             { policy: ALL, read: true },
  'GET /companies/:companyId/customers':                       { policy: ALL, read: true },
  'GET /companies/:companyId/trades':                          { policy: ALL, read: true },
  'GET /companies/:companyId/spends':                          { policy: ALL, read: true },
  'GET /companies/:companyId/spends/:cohortMonth':             { policy: ALL, read: true },
  'GET /companies/:companyId/thresholds':                      { policy: ALL, read: true },
  'GET /companies/:companyId/threshold-overrides':             { policy: ALL, read: true },
  'GET /companies/:companyId/predictions':                     { policy: FUND, read: true },
  'GET /companies/:companyId/events':                          { policy: ALL, read: true },
  'GET /companies/:companyId/cashflows':                       { policy: ALL, read: true },
  'GET /companies/:companyId/cohorts_table':                   { policy: ALL, read: true },
  'GET /companies/:companyId/owed':                            { policy: ALL, read: true },
  'GET /companies/:companyId/breaches':                        { policy: ALL, read: true },
  'GET /companies/:companyId/metrics':                         { policy: ALL, read: true },
  'GET /companies/:companyId/cashflows/predicted':             { policy: FUND, query: '?scenario=BEST', read: true },
  'POST /companies/:companyId/cashflows/predicted':            { policy: FUND, body: { churn: '0.1' } },
  'GET /companies/:companyId/breaches/stream':                 { policy: ALL, read: true },
  'GET /breaches/stream':                                      { policy: FUND, read: true },
  'POST /mcp':                                                 { policy: ALL, body: { jsonrpc: '2.0', id: 1, method: 'tools/list' } },
  'GET /mcp':                                                  { policy: ALL },
};

const OWN = 'acme';
const OTHER = 'beta';
const JWT_SECRET = 'a-jwt-secret-for-the-access-spec-only-0123456789';
const JWT_ISSUER = 'https://id.example.test/';
const JWT_AUDIENCE = 'cvf-api';

const routes: string[] = [];
let database: TestDatabase;
let stack: Stack;
let base: string;
const keys = {} as Record<Role, string>;

async function call(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: object,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const aborter = new AbortController();
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: aborter.signal,
  });
  // An SSE stream never ends: its status and headers are the answer.
  if ((response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    aborter.abort();
    return { status: response.status, body: {}, headers: response.headers };
  }
  const text = await response.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

async function createKey(role: Role, companyId?: string): Promise<{ id: string; key: string }> {
  const made = await call('POST', '/api-keys', ADMIN_HEADERS, {
    role,
    ...(companyId === undefined ? {} : { company_id: companyId }),
    name: `access spec ${role}`,
  });
  expect(made.status).toBe(201);
  return { id: String(made.body.id), key: String(made.body.key) };
}

const jwt = (
  claims: Record<string, unknown>,
  options: { secret?: string; issuer?: string; audience?: string; expires?: string } = {},
) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(typeof claims.sub === 'string' ? claims.sub : 'someone')
    .setIssuer(options.issuer ?? JWT_ISSUER)
    .setAudience(options.audience ?? JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expires ?? '5m')
    .sign(new TextEncoder().encode(options.secret ?? JWT_SECRET));

beforeAll(async () => {
  database = await createTestDatabase('front_door');
  stack = await startStack({
    databaseUrl: database.url,
    redisUrl: testServices.redisUrl,
    label: 'front-door',
    asAdminByDefault: false,
    env: { JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE },
    beforeInit: (app) => {
      app
        .getHttpAdapter()
        .getInstance()
        .addHook('onRoute', (route) => {
          const methods = Array.isArray(route.method) ? route.method : [route.method];
          for (const method of methods) {
            if (method === 'HEAD' || route.url.startsWith('/docs')) continue;
            routes.push(`${method} ${route.url}`);
          }
        });
    },
  });
  base = await stack.listen();
  await writeWorkedExample(httpWriter(base), OWN);
  await writeWorkedExample(httpWriter(base), OTHER);
  keys.admin = TEST_ADMIN_KEY;
  keys.company = (await createKey('company', OWN)).key;
  keys.underwriting = (await createKey('underwriting')).key;
  keys.operations = (await createKey('operations')).key;
});

afterAll(async () => {
  await stack?.close();
  await database?.drop();
});

it('every route the router registered has a row in this table, and every row a route', () => {
  expect([...new Set(routes)].sort()).toEqual(Object.keys(ROUTES).sort());
});

const pathOf = (route: string, companyId: string, row: Row): string =>
  route
    .split(' ')[1]!
    .replace(':companyId', companyId)
    .replace(':cohortMonth', '2020-01')
    .replace(':period', '1')
    .replace(':scenario', 'BEST')
    .replace(':paymentId', 'p1')
    .replace(':secretId', 'whs_none')
    .replace(':keyId', 'key_none')
    .replace(':provider', 'stripe')
    .replace(':eventId', 'evt_none') + (row.query ?? '');

/** The 404 the AuthGuard answers for another company's resource: as if it did not exist. */
const hiddenCompany = (reply: { status: number; body: Record<string, unknown> }) =>
  reply.status === 404 && String(reply.body.message).startsWith('company (company_id');

type Outcome = 'through' | 401 | 403 | 404;

function expected(row: Row, who: Role | 'anonymous', own: boolean): Outcome {
  if (row.policy === 'public') return 'through';
  if (who === 'anonymous') return 401;
  if (who === 'company' && !own) return 404;
  if (who === 'admin') return 'through';
  return row.policy.includes(who) ? 'through' : 403;
}

function outcomeOf(
  reply: { status: number; body: Record<string, unknown> },
  row: Row,
): Outcome | `${string}: ${string}` | `a server error ${number}` {
  if (reply.status === 401 || reply.status === 403) return reply.status;
  if (hiddenCompany(reply)) return 404;
  if (row.read === true && (reply.status < 200 || reply.status >= 300)) {
    return `a read answered ${reply.status}: ${JSON.stringify(reply.body)}`;
  }
  return reply.status >= 500 ? `a server error ${reply.status}` : 'through';
}

describe.each(['anonymous', 'company', 'underwriting', 'operations', 'admin'] as const)(
  'as %s',
  (who) => {
    it.each(Object.keys(ROUTES))('%s: own and other company', async (route) => {
      const row = ROUTES[route]!;
      const method = route.split(' ')[0]!;
      const headers = who === 'anonymous' ? {} : bearer(keys[who]);
      const targets = route.includes(':companyId') ? [true, false] : [true];
      const seen: Record<string, Outcome | `${string}: ${string}` | `a server error ${number}`> =
        {};
      const wanted: Record<string, Outcome> = {};
      for (const own of targets) {
        const reply = await call(method, pathOf(route, own ? OWN : OTHER, row), headers, row.body);
        seen[own ? 'own' : 'other'] = outcomeOf(reply, row);
        wanted[own ? 'own' : 'other'] = expected(row, who, own);
        if (reply.status === 401) {
          expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer realm="cvf"/);
        }
      }
      expect(seen).toEqual(wanted);
    });
  },
);

describe('a company credential sees only its own company', () => {
  it('GET /companies lists its company alone; the fund roles list every company', async () => {
    const mine = await call('GET', '/companies', bearer(keys.company));
    expect((mine.body.data as { id: string }[]).map((c) => c.id)).toEqual([OWN]);
    const all = await call('GET', '/companies', bearer(keys.operations));
    expect((all.body.data as { id: string }[]).map((c) => c.id)).toEqual(
      expect.arrayContaining([OWN, OTHER]),
    );
  });

  it('its metrics, company detail, terms and audit trail carry no prediction', async () => {
    const metrics = await call('GET', `/companies/${OWN}/metrics`, bearer(keys.company));
    expect(metrics.status).toBe(200);
    expect(metrics.body).not.toHaveProperty('ltv_estimate');
    expect(metrics.body).not.toHaveProperty('ltv_scenario');
    const fund = await call('GET', `/companies/${OWN}/metrics`, bearer(keys.underwriting));
    expect(fund.body).toHaveProperty('ltv_estimate');

    const detail = await call('GET', `/companies/${OWN}`, bearer(keys.company));
    expect(detail.body.metrics).not.toHaveProperty('ltv_estimate');
    expect(detail.body.counts).not.toHaveProperty('prediction_scenarios');

    const terms = await call('GET', `/companies/${OWN}/terms`, bearer(keys.company));
    expect(terms.body).not.toHaveProperty('prediction_assumptions');
    const fundTerms = await call('GET', `/companies/${OWN}/terms`, bearer(keys.underwriting));
    expect(fundTerms.body).toHaveProperty('prediction_assumptions');

    const trail = await call('GET', `/companies/${OWN}/events?limit=200`, bearer(keys.company));
    const types = (trail.body.data as { type: string }[]).map((e) => e.type);
    expect(types).not.toContain('PredictionAssumptionsSet');
    const fundTrail = await call(
      'GET',
      `/companies/${OWN}/events?limit=200`,
      bearer(keys.operations),
    );
    expect((fundTrail.body.data as { type: string }[]).map((e) => e.type)).toContain(
      'PredictionAssumptionsSet',
    );
  });
});

describe('credentials that do not verify: 401 with WWW-Authenticate, and nothing done', () => {
  const cases: [string, () => Promise<Record<string, string>>][] = [
    ['no Authorization header', () => Promise.resolve({})],
    ['a Basic credential', () => Promise.resolve({ authorization: 'Basic YWRtaW46YWRtaW4=' })],
    ['a malformed bearer token', () => Promise.resolve({ authorization: 'Bearer <script>' })],
    [
      'an unknown API key',
      () => Promise.resolve(bearer('cvfk_notakeyweeverissued0000000000000000')),
    ],
    [
      'an expired JWT',
      async () => bearer(await jwt({ sub: 'u1', cvf_role: 'admin' }, { expires: '-2m' })),
    ],
    [
      'a JWT from another issuer',
      async () =>
        bearer(await jwt({ sub: 'u1', cvf_role: 'admin' }, { issuer: 'https://evil.test/' })),
    ],
    [
      'a JWT for another audience',
      async () => bearer(await jwt({ sub: 'u1', cvf_role: 'admin' }, { audience: 'other-api' })),
    ],
    [
      'a JWT with a bad signature',
      async () =>
        bearer(
          await jwt(
            { sub: 'u1', cvf_role: 'admin' },
            { secret: 'not-the-secret-not-the-secret-0123456789' },
          ),
        ),
    ],
    ['a JWT with no known role', async () => bearer(await jwt({ sub: 'u1', cvf_role: 'root' }))],
    [
      'a company JWT with no company',
      async () => bearer(await jwt({ sub: 'u1', cvf_role: 'company' })),
    ],
  ];

  it.each(cases)('%s', async (_what, headers) => {
    const reply = await call('PUT', `/companies/${OWN}`, await headers(), { name: 'Hijacked' });
    expect(reply.status).toBe(401);
    expect(reply.body.error).toBe('unauthenticated');
    expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer realm="cvf"/);
    const company = await call('GET', `/companies/${OWN}`, ADMIN_HEADERS);
    expect(company.body.name).not.toBe('Hijacked');
  });

  it('a JWT within its 30 s clock skew still verifies', async () => {
    const token = await jwt({ sub: 'u1', cvf_role: 'operations' }, { expires: '-10s' });
    expect((await call('GET', `/companies/${OWN}/metrics`, bearer(token))).status).toBe(200);
  });

  it('a company JWT acts for its company only, as the subject it names', async () => {
    const token = await jwt({ sub: 'finance@acme', cvf_role: 'company', company_id: OWN });
    expect((await call('GET', `/companies/${OWN}/cashflows`, bearer(token))).status).toBe(200);
    expect((await call('GET', `/companies/${OTHER}/cashflows`, bearer(token))).status).toBe(404);
    const wrote = await call('POST', `/companies/${OWN}/spends`, bearer(token), {
      cohort_month: '2021-01',
      planned_spend: '5',
    });
    expect(wrote.status).toBe(201);
    // The audit trail reads the log: min_position waits until the write is visible to readers
    // (a transaction still open before it would hide it otherwise).
    const at = encodeURIComponent(String(wrote.body.position));
    const trail = await call(
      'GET',
      `/companies/${OWN}/events?limit=500&min_position=${at}`,
      ADMIN_HEADERS,
    );
    const events = trail.body.data as { type: string; metadata: Record<string, unknown> }[];
    const written = events.filter(
      (e) => e.metadata.correlation_id === wrote.headers.get('x-request-id'),
    );
    expect(written.map((e) => [e.type, e.metadata.actor])).toEqual([
      ['SpendPlanned', 'jwt:finance@acme:company'],
    ]);
  });
});

describe('API keys', () => {
  it('are shown once, listed without the key and with their last use, and revoked at once', async () => {
    const { id, key } = await createKey('operations');
    expect(key).toMatch(/^cvfk_[A-Za-z0-9_-]{43}$/);
    expect((await call('GET', `/companies/${OWN}/metrics`, bearer(key))).status).toBe(200);

    const listed = await call('GET', '/api-keys', ADMIN_HEADERS);
    const entry = (listed.body.api_keys as Record<string, unknown>[]).find((k) => k.id === id);
    expect(entry).toMatchObject({ id, role: 'operations', company_id: null, revoked_at: null });
    expect(JSON.stringify(listed.body)).not.toContain(key);
    // last_used_at is written in the background after a verification.
    let lastUsed: unknown = null;
    for (let attempt = 0; attempt < 30 && typeof lastUsed !== 'string'; attempt++) {
      const again = await call('GET', '/api-keys', ADMIN_HEADERS);
      lastUsed = (again.body.api_keys as Record<string, unknown>[]).find(
        (k) => k.id === id,
      )?.last_used_at;
      if (typeof lastUsed !== 'string') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(lastUsed).toEqual(expect.any(String));

    const revoked = await call('DELETE', `/api-keys/${id}`, ADMIN_HEADERS);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).toEqual(expect.any(String));
    // Verifications are reused for at most a second: within that the key stops working.
    const started = Date.now();
    let status = 200;
    while (status !== 401 && Date.now() - started < 3_000) {
      status = (await call('GET', `/companies/${OWN}/metrics`, bearer(key))).status;
      if (status !== 401) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(401);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect((await call('DELETE', `/api-keys/${id}`, ADMIN_HEADERS)).status).toBe(404);
  });

  it('refuse a company key without its company, and a fund key bound to one', async () => {
    const noCompany = await call('POST', '/api-keys', ADMIN_HEADERS, { role: 'company' });
    expect(noCompany.status).toBe(400);
    expect(noCompany.body.issues).toEqual([expect.objectContaining({ field: 'company_id' })]);
    const bound = await call('POST', '/api-keys', ADMIN_HEADERS, {
      role: 'operations',
      company_id: OWN,
    });
    expect(bound.status).toBe(400);
    const badRole = await call('POST', '/api-keys', ADMIN_HEADERS, { role: 'root' });
    expect(badRole.status).toBe(400);
    expect(badRole.body.issues).toEqual([expect.objectContaining({ field: 'role' })]);
  });
});

describe('the forged-payment attack is refused', () => {
  it('nobody without a credential, nor another company, can mint a webhook secret; a forged charge records nothing', async () => {
    const anonymous = await call('POST', `/companies/${OWN}/webhook-secrets`);
    expect(anonymous.status).toBe(401);
    const other = await createKey('company', OTHER);
    const foreign = await call('POST', `/companies/${OWN}/webhook-secrets`, bearer(other.key));
    expect(foreign.status).toBe(404);
    const underwriting = await call(
      'POST',
      `/companies/${OWN}/webhook-secrets`,
      bearer(keys.underwriting),
    );
    expect(underwriting.status).toBe(403);

    const before = await call('GET', `/companies/${OWN}/payments?limit=500`, ADMIN_HEADERS);
    const forged = await fetch(`${base}/webhooks/${OWN}/stripe`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`,
      },
      body: JSON.stringify({
        id: 'evt_forged',
        type: 'charge.succeeded',
        data: {
          object: {
            id: 'ch_forged',
            amount: 1234500,
            currency: 'usd',
            customer: 'cus_x',
            created: 1580000000,
          },
        },
      }),
    });
    expect(forged.status).toBe(400);
    const after = await call('GET', `/companies/${OWN}/payments?limit=500`, ADMIN_HEADERS);
    expect(after.body.data).toEqual(before.body.data);
  });
});

describe('headers of the front door', () => {
  it('security headers on every answer, no CORS for an origin not listed, a uuid request id', async () => {
    const { response: reply } = await contractClient(base, keys.company).GET(
      '/companies/{companyId}/cashflows',
      { params: { path: { companyId: OWN } }, headers: { origin: 'https://evil.example' } },
    );
    expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    expect(reply.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(reply.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(reply.headers.get('access-control-allow-origin')).toBeNull();
    expect(reply.headers.get('x-request-id')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });
});

describe('the OpenAPI document', () => {
  it('declares bearer security and, on every operation but the public ones, the roles that may call it', async () => {
    const document = (await (await fetch(`${base}/docs/openapi.json`)).json()) as {
      components: { securitySchemes: Record<string, { type: string; scheme: string }> };
      paths: Record<string, Record<string, { security?: unknown[]; 'x-cvf-roles'?: string[] }>>;
    };
    // An API key or a JWT, both as a bearer token.
    expect(document.components.securitySchemes.apiKey).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(document.components.securitySchemes.jwt).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    const declared: Record<string, string[] | 'public'> = {};
    const wanted: Record<string, string[] | 'public'> = {};
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const route = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
        const row = ROUTES[route];
        if (row === undefined) continue; // the route table's own test covers coverage
        wanted[route] = row.policy === 'public' ? 'public' : [...row.policy, 'admin'].sort();
        declared[route] =
          operation['x-cvf-roles'] === undefined ? 'public' : [...operation['x-cvf-roles']].sort();
        const roles = declared[route] === 'public' ? [] : operation['x-cvf-roles'];
        expect(operation.security).toEqual(
          row.policy === 'public' ? [] : [{ apiKey: roles }, { jwt: roles }],
        );
      }
    }
    expect(Object.keys(declared).length).toBeGreaterThan(40);
    expect(declared).toEqual(wanted);
  });
});
