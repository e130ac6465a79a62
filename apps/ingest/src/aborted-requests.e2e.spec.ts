import { connect } from 'node:net';
import {
  ADMIN_HEADERS,
  eventually,
  startAppProcess,
  stopAppProcess,
  untilReady,
  type AppProcess,
} from '@cvf/platform/testing';
import { createTestDatabase, type TestDatabase } from '@cvf/test-support';

// A client that hangs up mid-request (an upload broken off, a JSON body cut short) is the
// client's doing: the built ingest at LOG_LEVEL=info logs one info line for the request,
// without a stack, and nothing at error.

let database: TestDatabase;
let ingest: AppProcess;
beforeAll(async () => {
  database = await createTestDatabase('ingest_aborted');
  ingest = await startAppProcess('ingest', { DATABASE_URL: database.url, LOG_LEVEL: 'info' });
  await untilReady(ingest);
  const created = await fetch(`${ingest.base}/companies`, {
    method: 'POST',
    headers: { ...ADMIN_HEADERS, 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'acme', name: 'Acme' }),
  });
  expect(created.status).toBe(201);
}, 30_000);
afterAll(async () => {
  await stopAppProcess(ingest);
  await database.drop();
});

/** Sends the head and part of a body over a raw connection, then hangs up. */
async function hangUpMidBody(head: string, partOfBody: string): Promise<void> {
  const socket = connect(ingest.port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  socket.write(head);
  socket.write(partOfBody);
  // Long enough for the server to be reading the body when the connection goes.
  await new Promise((resolve) => setTimeout(resolve, 200));
  socket.destroy();
}

const headOf = (url: string, requestId: string, contentType: string, length: number) =>
  [
    `POST ${url} HTTP/1.1`,
    'host: 127.0.0.1',
    `authorization: ${ADMIN_HEADERS.authorization}`,
    `x-request-id: ${requestId}`,
    `content-type: ${contentType}`,
    `content-length: ${length}`,
    '',
    '',
  ].join('\r\n');

type LogLine = Record<string, unknown> & { level: number; msg: string };
const logLines = (): LogLine[] =>
  ingest
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
const linesOf = (requestId: string) =>
  logLines().filter((line) => (line.req as { id?: unknown } | undefined)?.id === requestId);

it('logs an upload broken off mid-file once, at info, without a stack', async () => {
  const boundary = 'cvf-boundary';
  const partOfBody = [
    `--${boundary}`,
    'content-disposition: form-data; name="file"; filename="payments.csv"',
    'content-type: text/csv',
    '',
    'customer_id,payment_date,amount',
    ...Array.from({ length: 2000 }, (_, i) => `cus_${i},2020-01-15,10.00`),
  ].join('\r\n');
  await hangUpMidBody(
    headOf(
      '/companies/acme/payments/upload',
      'req-upload-broken',
      `multipart/form-data; boundary=${boundary}`,
      10_000_000,
    ),
    partOfBody,
  );

  await eventually('the aborted upload is logged', () => linesOf('req-upload-broken').length > 0);
  expect(linesOf('req-upload-broken')).toEqual([
    expect.objectContaining({
      level: 30,
      msg: 'request aborted by the client',
      req: expect.objectContaining({ method: 'POST', url: '/companies/acme/payments/upload' }),
      principal: 'key:config-admin:admin',
    }),
  ]);
});

it('logs a JSON body cut short the same way', async () => {
  await hangUpMidBody(
    headOf('/companies', 'req-json-broken', 'application/json', 1_000),
    '{"id":"half',
  );
  await eventually('the aborted request is logged', () => linesOf('req-json-broken').length > 0);
  expect(linesOf('req-json-broken')).toEqual([
    expect.objectContaining({ level: 30, msg: 'request aborted by the client' }),
  ]);
});

it('logs neither hang-up as a server error: nothing at warn or above, no stack anywhere', () => {
  expect(logLines().filter((line) => line.level >= 40)).toEqual([]);
  expect(ingest.output()).not.toMatch(/"(stack|err)":/);
});
