#!/usr/bin/env node
// Replays the calls a client of the Python API this service replaces makes (its routes with
// their trailing slashes, money and rates as JSON numbers, its field names: spend,
// cohort_start_at) against a running instance, loading DOMAIN.md's worked example, and
// checks the numbers DOMAIN.md gives: the cohort table, the CVF cashflows table, owed for
// 2020-02 = 420, and the predictions with churn 0.1 (and m0 0.4).
//
//   node scripts/python-api-replay.mjs --base http://localhost:3000 --key "$CVF_ADMIN_KEY"
//   node scripts/python-api-replay.mjs --ingest https://ingest.… --api https://api.… --key …
//
// One --base for the all-in-one process; --ingest (writes) and --api (reads) for distributed
// mode, where the Ingress routes by host (k8s/ingress.yaml). --key (or CVF_API_KEY, else
// CVF_ADMIN_KEY) is sent as the bearer token: an admin key, since the example both sets
// terms (underwriting) and uploads payments (company). --no-trailing-slash drops the Python
// API's trailing slashes (for a server without ignoreTrailingSlash). --json prints the
// report as one JSON document. Exits 1 when a number differs from DOMAIN.md's, 2 on a
// failed call or bad arguments.
import { parseArgs } from 'node:util';

const { values: options } = parseArgs({
  options: {
    base: { type: 'string' },
    ingest: { type: 'string' },
    api: { type: 'string' },
    key: { type: 'string' },
    company: { type: 'string' },
    'no-trailing-slash': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

const writeBase = (options.ingest ?? options.base)?.replace(/\/+$/, '');
const readBase = (options.api ?? options.base)?.replace(/\/+$/, '');
const key = options.key ?? process.env.CVF_API_KEY ?? process.env.CVF_ADMIN_KEY;
if (!writeBase || !readBase || !key) {
  console.error('usage: python-api-replay.mjs (--base URL | --ingest URL --api URL) --key KEY');
  process.exit(2);
}
const slash = options['no-trailing-slash'] ? '' : '/';
const log = (line) => {
  if (!options.json) console.log(line);
};

class CallFailed extends Error {}

/** One call as the Python client makes it; `body` is JSON text, so numbers stay as written. */
async function call(method, path, { body, form, expect = [200, 201] } = {}) {
  // The predicted POST computes and records nothing: a read, served by the gateway.
  const write = method !== 'GET' && !path.split('?')[0].endsWith('/cashflows/predicted');
  const url = `${write ? writeBase : readBase}${path}`;
  const headers = { authorization: `Bearer ${key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method, headers, body: body ?? form });
  const text = await response.text();
  if (!expect.includes(response.status)) {
    throw new CallFailed(`${method} ${path} → ${response.status}: ${text}`);
  }
  log(`  ${method} ${path} → ${response.status}`);
  return text === '' ? {} : JSON.parse(text);
}

const checks = [];
function check(what, actual, expected) {
  const ok = JSON.stringify(actual) === JSON.stringify(expected);
  checks.push({ what, ok, actual, expected });
  if (!ok)
    log(
      `  MISMATCH ${what}: got ${JSON.stringify(actual)}, DOMAIN.md says ${JSON.stringify(expected)}`,
    );
}

// DOMAIN.md "Worked example", in the Python API's words.
const SPENDS = ['2020-01-01', '2020-02-01', '2020-04-01'];
const TRADES = [
  ['2020-01-01', '0.8', '500.0'],
  ['2020-02-01', '0.8', '400.0'],
  ['2020-04-01', '0.5', '500.0'],
];
const PAYMENTS_CSV = [
  'customer_id,payment_date,amount',
  '1,2020-01-01,200.00',
  '1,2020-02-01,100.00',
  '2,2020-02-01,400.00',
  '2,2020-03-01,300.00',
  '3,2020-04-01,500.00',
  // Recorded by mistake, then deleted: it must count nowhere.
  '9,2020-03-15,19.99',
].join('\n');
const COHORT_TABLE = {
  '2020-01-01': ['200.00', '100.00'],
  '2020-02-01': ['400.00', '300.00'],
  '2020-04-01': ['500.00'],
};
const CASHFLOWS = {
  '2020-01-01': { '2020-01-01': '160.00', '2020-02-01': '100.00' },
  '2020-02-01': { '2020-02-01': '320.00', '2020-03-01': '80.00' },
  '2020-04-01': { '2020-04-01': '250.00' },
};

async function replay() {
  log('Python API calls:');
  const health = await call('GET', '/health');
  check('GET /health', health, { status: 'ok' });

  const suffix =
    options.company ?? `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const registered = await call('POST', `/companies${slash}`, {
    body: `{"name": "Worked example ${suffix}"}`,
  });
  const company = `/companies/${registered.id}`;
  const duplicate = await call('POST', `/companies${slash}`, {
    body: `{"name": "WORKED EXAMPLE ${suffix}"}`,
    expect: [409],
  });
  check('a second company of that name is refused', duplicate.status, 409);

  for (const month of SPENDS) {
    await call('POST', `${company}/spends${slash}`, {
      body: `{"cohort_month": "${month}", "spend": 1000.0}`,
    });
  }
  for (const [month, share, cap] of TRADES) {
    await call('POST', `${company}/trades${slash}`, {
      body: `{"cohort_start_at": "${month}", "sharing_percentage": ${share}, "cash_cap": ${cap}}`,
    });
  }
  const threshold = await call('POST', `${company}/thresholds${slash}`, {
    body: '{"payment_period_month": 1, "minimum_payment_percent": 0.25}',
  });

  const form = new FormData();
  form.append('file', new Blob([PAYMENTS_CSV], { type: 'text/csv' }), 'payments.csv');
  const upload = await call('POST', `${company}/payments/upload`, { form });
  check('payments uploaded', upload.recorded, 6);
  let position = upload.position;
  const fresh = () => `min_position=${encodeURIComponent(position)}`;

  // Records by the ids the lists give, as the Python client addresses them.
  const payments = await call('GET', `${company}/payments${slash}?${fresh()}`);
  const mistaken = payments.data.find((payment) => payment.customer_id === '9');
  const one = await call('GET', `${company}/payments/${mistaken.id}`);
  check('GET payments/{id} is the list item', one.amount, '19.99');
  const first = payments.data.find((payment) => payment.customer_id === '1');
  const corrected = await call('PUT', `${company}/payments/${first.id}`, {
    body: `{"customer_id": "1", "payment_date": "2020-01-01", "amount": 200.0}`,
  });
  check('PUT payments/{id} with the same facts changes nothing', corrected.events_appended, 0);
  position = (await call('DELETE', `${company}/payments/${mistaken.id}`)).position;

  const spends = await call('GET', `${company}/spends${slash}?${fresh()}`);
  check(
    'spends by id',
    spends.data.map((spend) => spend.id),
    SPENDS,
  );
  const spend = await call('GET', `${company}/spends/${spends.data[0].id}`);
  check('GET spends/{id}', spend.planned_spend, '1000.00');
  await call('PUT', `${company}/spends/${spend.id}`, {
    body: `{"cohort_month": "${spend.id}", "spend": 1000.0}`,
  });
  const thresholds = await call('GET', `${company}/thresholds${slash}?${fresh()}`);
  check('thresholds by id', thresholds.data, [
    { id: 1, payment_period_month: 1, minimum_payment_percent: '0.25' },
  ]);
  await call('PUT', `${company}/thresholds/${thresholds.data[0].id}`, {
    body: '{"payment_period_month": 1, "minimum_payment_percent": 0.25}',
  });
  const trades = await call('GET', `${company}/trades${slash}?${fresh()}`);
  check(
    'trades as entered',
    trades.data.map((trade) => [trade.cohort_month, trade.sharing_percentage, trade.cash_cap]),
    TRADES.map(([month, share, cap]) => [month, share, `${cap}0`]),
  );
  check('threshold recorded', threshold.events_appended, 1);
  await call('GET', `/companies${slash}`);
  await call('GET', company);

  const cohorts = await call('GET', `${company}/cohorts_table?${fresh()}`);
  const table = Object.fromEntries(cohorts.cohorts.map((c) => [c.cohort_month, c.payments]));
  check('cohort table', table, COHORT_TABLE);

  const cashflows = await call('GET', `${company}/cashflows?${fresh()}`);
  const collected = {};
  for (const cohort of cashflows.cohorts.filter((c) => c.funded)) {
    collected[cohort.cohort_month] = Object.fromEntries(
      cohort.periods.filter((p) => p.collected !== '0.00').map((p) => [p.month, p.collected]),
    );
  }
  check('CVF cashflows table', collected, CASHFLOWS);
  const owed = cashflows.monthly_collections.find((entry) => entry.month === '2020-02-01');
  check('owed for 2020-02', owed?.amount, '420.00');
  const failed = cashflows.cohorts[0].periods[1];
  check(
    '2020-01 period 1 fails (0.10 < 0.25): share 1',
    [failed.threshold_failed, failed.share_applied],
    [true, '1'],
  );

  const churnOnly = await call('POST', `${company}/cashflows/predicted?${fresh()}`, {
    body: '{"churn": 0.1}',
  });
  const byMonth = (doc) => Object.fromEntries(doc.cohorts.map((c) => [c.cohort_month, c]));
  const predictedPayments = (cohort, from, count) =>
    cohort.periods.slice(from, from + count).map((p) => p.payment);
  check(
    'predicted 2020-01 from period 2 (churn 0.1)',
    predictedPayments(byMonth(churnOnly)['2020-01-01'], 2, 3),
    ['90.00', '81.00', '72.90'],
  );
  const best = await call('POST', `${company}/cashflows/predicted?${fresh()}`, {
    body: '{"churn": 0.1, "m0": 0.4}',
  });
  check(
    'predicted 2020-04 from period 1 (BEST: m0 0.4, churn 0.1)',
    predictedPayments(byMonth(best)['2020-04-01'], 1, 2),
    ['450.00', '405.00'],
  );
  check('churn alone predicts as with m0 when every cohort has payments', churnOnly, best);

  return {
    company: registered.id,
    cohorts: table,
    cashflows: collected,
    owed_2020_02: owed?.amount,
  };
}

try {
  const report = await replay();
  const failed = checks.filter((c) => !c.ok);
  if (options.json) {
    console.log(JSON.stringify({ ...report, checks }, null, 2));
  } else {
    console.log('\nCohort table (net payments by period):');
    for (const [month, row] of Object.entries(report.cohorts))
      console.log(`  ${month}  ${row.join('  ')}`);
    console.log('\nCVF cashflows (collected by calendar month):');
    for (const [month, row] of Object.entries(report.cashflows)) {
      console.log(
        `  ${month}  ${Object.entries(row)
          .map(([m, amount]) => `${m.slice(0, 7)}: ${amount}`)
          .join('  ')}`,
      );
    }
    console.log(`\nOwed for 2020-02: ${report.owed_2020_02}`);
    console.log(`\nchecks: ${checks.length - failed.length} passed, ${failed.length} failed`);
  }
  process.exit(failed.length === 0 ? 0 : 1);
} catch (error) {
  console.error(error instanceof CallFailed ? error.message : error);
  process.exit(2);
}
