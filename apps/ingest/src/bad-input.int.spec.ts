import { AppendCounter, send, type HttpReply, type Method } from './testing/ingest-http';
import { startIngestTestApp, type IngestTestApp } from './testing/ingest-test-app';

// STYLE.md: "Never a 500 for bad input". Every row is a request a careless or hostile client
// could send to an endpoint that exists; each must get its 4xx in the problem format, name
// the fields at fault, and append nothing anywhere in the log.

/** A body sent as these exact bytes, not serialised from an object. */
interface RawBody {
  readonly raw: string | Buffer;
  readonly contentType: string;
}
const json = (raw: string | Buffer): RawBody => ({ raw, contentType: 'application/json' });
const text = (raw: string): RawBody => ({ raw, contentType: 'text/plain' });

interface BadInput {
  readonly case: string;
  readonly method: Method;
  readonly url: string;
  readonly payload: string | object | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly status: number;
  readonly error: string;
  /** The fields the problem's issues name, in order. */
  readonly fields: readonly string[];
}

function bad(
  what: string,
  request: `${Method} /${string}`,
  body: object | RawBody | undefined,
  expected: `${number} ${string}`,
  fields: readonly string[] = [],
  headers: Readonly<Record<string, string>> = {},
): BadInput {
  const [method, url] = request.split(' ') as [Method, string];
  const [status, error] = expected.split(' ') as [string, string];
  const raw = body !== undefined && 'raw' in body ? body : undefined;
  return {
    case: what,
    method,
    url,
    payload: raw ? raw.raw : body,
    headers: raw ? { 'content-type': raw.contentType, ...headers } : headers,
    status: Number(status),
    error,
    fields,
  };
}

const CORRECTION = { customer_id: 'cus_1', payment_date: '2020-01-15', amount: '100.00' };
const PAYMENT = { ...CORRECTION, payment_id: 'inv-2' };
const TRADE = { cohort_month: '2020-02', sharing_percentage: '0.8', cash_cap: '500' };
const WAIVER = { cohort_month: '2020-01', payment_period_month: 1 };
const NUL = '\u0000';
const LONE_SURROGATE = '\ud800';
const INVALID = '400 validation_failed';

// prettier-ignore
const rows: readonly BadInput[] = [
  // Bodies that are not the object a route expects.
  bad('a JSON array as the body', 'POST /companies', json('[]'), INVALID, ['name']),
  bad('JSON null as the body', 'POST /companies', json('null'), INVALID, ['name']),
  bad('malformed JSON', 'POST /companies', json('{"name":'), '400 bad_request'),
  bad('an empty JSON body', 'POST /companies', json(''), '400 bad_request'),
  bad('a __proto__ key', 'POST /companies', json('{"name":"x","__proto__":{"a":1}}'), '400 bad_request'),
  bad('a text/plain body', 'POST /companies/acme/payments', text('cus_1,2020-01-15,10'), INVALID, ['customer_id', 'payment_date', 'amount']),
  bad('a text/plain body with a NUL', 'POST /companies', text(`Acme${NUL}`), INVALID, ['body']),
  // Companies.
  bad('a numeric company id', 'POST /companies', { id: 7, name: 'Seven' }, INVALID, ['id']),
  bad('a name that is an object', 'POST /companies', { name: { first: 'A' } }, INVALID, ['name']),
  bad('a name of 201 characters', 'POST /companies', { name: 'n'.repeat(201) }, INVALID, ['name']),
  bad('a name with a NUL', 'POST /companies', { id: 'nul', name: `A${NUL}B` }, INVALID, ['name']),
  bad('a name with a lone surrogate', 'POST /companies', json('{"name":"A\\ud800B"}'), INVALID, ['name']),
  bad('a property name with a NUL', 'POST /companies', { name: 'x', [`a${NUL}`]: 1 }, INVALID, ['a\ufffd']),
  bad('a non-ASCII company id', 'PUT /companies/%C3%A9', { name: 'E' }, INVALID, ['company_id']),
  bad('a weak If-Match', 'PUT /companies/acme', { name: 'Acme' }, INVALID, ['If-Match'], { 'if-match': 'W/"latest"' }),
  // Terms.
  bad('a cohort month that is a word', 'POST /companies/acme/trades', { ...TRADE, cohort_month: 'January' }, INVALID, ['cohort_month']),
  bad('a trade with no fields', 'POST /companies/acme/trades', {}, INVALID, ['cohort_month', 'sharing_percentage', 'cash_cap']),
  bad('a cash cap beyond exact cents', 'POST /companies/acme/trades', { ...TRADE, cash_cap: '99999999999999' }, INVALID, ['cash_cap']),
  bad('a sharing percentage of 1e-400', 'POST /companies/acme/trades', { ...TRADE, sharing_percentage: '1e-400' }, INVALID, ['sharing_percentage']),
  bad('a NUL in a path month', 'PUT /companies/acme/trades/2020-01%00', { sharing_percentage: '0.5', cash_cap: '1' }, INVALID, ['cohortMonth']),
  bad('a negative planned spend', 'POST /companies/acme/spends', { cohort_month: '2020-02', planned_spend: '-1' }, INVALID, ['planned_spend']),
  bad('an actual spend of month "abc"', 'PUT /companies/acme/spends/abc/actual', { actual_spend: '1' }, INVALID, ['cohort_month']),
  bad('a period as a string', 'POST /companies/acme/thresholds', { payment_period_month: '1', minimum_payment_percent: '0.2' }, INVALID, ['payment_period_month', 'payment_period_month']),
  bad('a period of 100000', 'POST /companies/acme/thresholds', { payment_period_month: 100000, minimum_payment_percent: '0.2' }, INVALID, ['payment_period_month']),
  bad('a minimum of NaN', 'POST /companies/acme/thresholds', { payment_period_month: 1, minimum_payment_percent: 'NaN' }, INVALID, ['minimum_payment_percent']),
  bad('a path period beyond 2^53', 'PUT /companies/acme/thresholds/99999999999999999999', { minimum_payment_percent: '0.2' }, INVALID, ['payment_period_month']),
  bad('a waiver reason with a NUL', 'POST /companies/acme/threshold-overrides', { ...WAIVER, reason: `ok${NUL}` }, INVALID, ['reason']),
  bad('a waiver reason of 501 characters', 'POST /companies/acme/threshold-overrides', { ...WAIVER, reason: 'r'.repeat(501) }, INVALID, ['reason']),
  bad('a revoked waiver of month "nope"', 'DELETE /companies/acme/threshold-overrides/nope/1', undefined, INVALID, ['cohort_month']),
  bad('assumptions of Infinity and NaN', 'PUT /companies/acme/predictions/AVERAGE', { m0: 'Infinity', churn: 'NaN' }, INVALID, ['m0', 'churn']),
  // Payments and refunds.
  bad('a payment of empty strings', 'POST /companies/acme/payments', { customer_id: '', payment_date: '', amount: '' }, INVALID, ['customer_id', 'payment_date', 'amount']),
  bad('a customer id with a NUL', 'POST /companies/acme/payments', { ...PAYMENT, customer_id: `c${NUL}` }, INVALID, ['customer_id']),
  bad('a customer id with a lone surrogate', 'POST /companies/acme/payments', { ...PAYMENT, customer_id: `c${LONE_SURROGATE}` }, INVALID, ['customer_id']),
  bad('a NUL in a date, under a key', 'POST /companies/acme/payments', { ...PAYMENT, payment_date: `2020-01-1${NUL}` }, INVALID, ['payment_date'], { 'idempotency-key': 'nul-date' }),
  bad('an amount beyond exact cents', 'POST /companies/acme/payments', { ...PAYMENT, amount: '99999999999999.99' }, INVALID, ['amount']),
  bad('a correction with 3 decimals', 'PUT /companies/acme/payments/inv-1', { ...CORRECTION, amount: '1.001' }, INVALID, ['amount']),
  bad('a correction of payment "bad id"', 'PUT /companies/acme/payments/bad%20id', CORRECTION, INVALID, ['payment_id']),
  bad('a correction under If-Match *', 'PUT /companies/acme/payments/inv-1', CORRECTION, INVALID, ['If-Match'], { 'if-match': '*' }),
  bad('a void reason with a NUL', 'DELETE /companies/acme/payments/inv-1?reason=a%00b', undefined, INVALID, ['reason']),
  bad('an empty void reason', 'DELETE /companies/acme/payments/inv-1?reason=', undefined, INVALID, ['reason']),
  bad('a void reason given twice', 'DELETE /companies/acme/payments/inv-1?reason=a&reason=b', undefined, INVALID, ['reason']),
  bad('a refund of 0', 'POST /companies/acme/payments/inv-1/refunds', { amount: '0' }, INVALID, ['amount']),
  bad('a refund id with a space', 'POST /companies/acme/payments/inv-1/refunds', { amount: '1', refund_id: 'r 1' }, INVALID, ['refund_id']),
  bad('a refund amount of null', 'POST /companies/acme/payments/inv-1/refunds', { amount: null }, INVALID, ['amount']),
  bad('a malformed Idempotency-Key', 'POST /companies/acme/payments/inv-1/refunds', { amount: '1' }, INVALID, ['Idempotency-Key'], { 'idempotency-key': 'a b' }),
  // Rules and missing things answer with their own status, never a 500.
  bad('a refund beyond the payment', 'POST /companies/acme/payments/inv-1/refunds', { amount: '100.01' }, '422 rule_violation'),
  bad('a correction below the refunds', 'PUT /companies/acme/payments/inv-1', { ...CORRECTION, amount: '5' }, '422 rule_violation'),
  bad('a route that does not exist', 'POST /companies/acme/invoices', {}, '404 not_found'),
  // Bodies built to exhaust the stack of whatever walks them.
  bad('a payment nested 5,000 arrays deep', 'POST /companies/acme/payments', json(deepPayment(5_000)), INVALID, ['body']),
  bad('a name with bytes that are not UTF-8', 'POST /companies', json(Buffer.concat([Buffer.from('{"name":"Ac'), Buffer.from([0xff, 0xfe]), Buffer.from('me"}')])), INVALID, ['name']),
  bad('a company nested 65 objects deep', 'POST /companies', { name: 'Deep', extra: nested(64) }, INVALID, ['body']),
];

/** A payment whose amount sits inside `depth` arrays, as JSON text (JSON.stringify would overflow). */
function deepPayment(depth: number): string {
  const amount = `${'['.repeat(depth)}"1"${']'.repeat(depth)}`;
  return `{"customer_id":"c1","payment_date":"2020-01-15","amount":${amount}}`;
}

/** A value inside `depth` arrays: [[[ … ]]]. */
function nested(depth: number): unknown {
  let value: unknown = '1';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

let ingest: IngestTestApp;
let appends: AppendCounter;

beforeAll(async () => {
  ingest = await startIngestTestApp('ingest_bad_input');
  // Given a company with a trade for 2020-01 and a payment of 100.00 with 10.00 refunded.
  const setup = [
    await send(ingest.app, 'POST', '/companies', { id: 'acme', name: 'Acme' }),
    await send(ingest.app, 'POST', '/companies/acme/trades', { ...TRADE, cohort_month: '2020-01' }),
    await send(ingest.app, 'POST', '/companies/acme/payments', { ...PAYMENT, payment_id: 'inv-1' }),
    await send(ingest.app, 'POST', '/companies/acme/payments/inv-1/refunds', { amount: '10' }),
  ];
  expect(setup.map((reply) => reply.status)).toEqual([201, 201, 201, 201]);
  appends = await AppendCounter.start(ingest.app);
});

afterAll(async () => {
  await ingest.close();
});

const issueFields = (reply: HttpReply): readonly unknown[] =>
  Array.isArray(reply.body.issues)
    ? reply.body.issues.map((issue: { field?: unknown }) => issue.field)
    : [];

it.each(rows)('$case → $status $error, never a 500, nothing appended', async (row) => {
  const reply = await send(ingest.app, row.method, row.url, row.payload, row.headers);

  expect(reply.status).toBeLessThan(500);
  expect({
    status: reply.status,
    problem: { status: reply.body.status, error: reply.body.error },
    fields: issueFields(reply),
  }).toEqual({
    status: row.status,
    problem: { status: row.status, error: row.error },
    fields: row.fields,
  });
  expect(reply.body.message).toEqual(expect.any(String));
  expect(await appends.appendedSinceLastLook()).toBe(0);
});
