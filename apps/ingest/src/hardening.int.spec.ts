import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { ADMIN_HEADERS } from '@cvf/platform/testing';
import { type IngestTestApp, startIngestTestApp } from './testing/ingest-test-app';

// The front door's limits on a real server: the per-principal rate limit counted in Redis,
// and a request that stalls (a slow upload) cut at REQUEST_TIMEOUT_SECONDS.

let ingest: IngestTestApp;
let base: string;
beforeAll(async () => {
  ingest = await startIngestTestApp(
    'ingest_hardening',
    {
      RATE_LIMIT_PER_MINUTE: '3',
      // A budget of its own: the other specs share Redis and the test admin key.
      CACHE_PREFIX: `cvftest-rl-${randomBytes(4).toString('hex')}`,
      REQUEST_TIMEOUT_SECONDS: '1',
      CORS_ORIGINS: 'https://app.example.com',
    },
    { asAdminByDefault: false },
  );
  await ingest.app.listen({ port: 0, host: '127.0.0.1' });
  const address = ingest.app.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('not listening');
  base = `http://127.0.0.1:${address.port}`;
});
afterAll(() => ingest.close());

it('CORS answers the listed origin only', async () => {
  const preflight = (origin: string) =>
    fetch(`${base}/companies`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
  const listed = await preflight('https://app.example.com');
  expect(listed.status).toBe(204);
  expect(listed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  expect(listed.headers.get('access-control-allow-headers')).toContain('Authorization');
  const other = await preflight('https://evil.example');
  expect(other.headers.get('access-control-allow-origin')).toBeNull();
});

it('past RATE_LIMIT_PER_MINUTE a principal gets 429 with Retry-After', async () => {
  const statuses: number[] = [];
  const budgets: (string | null)[] = [];
  for (let i = 0; i < 4; i++) {
    const reply = await fetch(`${base}/api-keys`, { headers: ADMIN_HEADERS });
    statuses.push(reply.status);
    if (reply.status === 200) budgets.push(reply.headers.get('ratelimit'));
    if (reply.status === 429) {
      expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await reply.json()).toMatchObject({ status: 429, error: 'rate_limited' });
    }
  }
  expect(statuses).toEqual([200, 200, 200, 429]);
  // Each answer tells the client what is left of its minute (the IETF draft's RateLimit).
  expect(
    budgets.map((field) => /^limit=3, remaining=(\d), reset=\d+$/.exec(field ?? '')?.[1]),
  ).toEqual(['2', '1', '0']);
  // Another principal has a budget of its own.
  const other = await fetch(`${base}/companies/acme/terms`, {
    headers: { authorization: 'Bearer cvfk_unknown0000000000000000000000000000000' },
  });
  expect(other.status).toBe(401);
});

it('a connection whose request body stalls is cut after REQUEST_TIMEOUT_SECONDS of silence', async () => {
  const { port } = new URL(base);
  const socket = connect(Number(port), '127.0.0.1');
  const started = Date.now();
  const answer = await new Promise<string>((resolve, reject) => {
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
    socket.write(
      'POST /companies HTTP/1.1\r\nHost: x\r\n' +
        `Authorization: ${ADMIN_HEADERS.authorization}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"id": "stal',
    );
  });
  const elapsed = Date.now() - started;
  expect(answer).toBe(''); // closed, never answered: the upload never completed
  expect(elapsed).toBeGreaterThanOrEqual(900);
  expect(elapsed).toBeLessThan(10_000);
});
