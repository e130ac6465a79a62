import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CashflowDocument } from '@cvf/domain';

/**
 * Loads the demo portfolio (samples/demo) through the real ingest path over HTTP: register,
 * terms as JSON commands, payments as a CSV upload. Idempotent: a second start finds the
 * company registered and loads nothing.
 */
export const DEMO_COMPANY = 'demo';

interface Response {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function call(
  base: string,
  method: string,
  path: string,
  key: string,
  body?: unknown,
): Promise<Response> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function expectOk(
  base: string,
  method: string,
  path: string,
  key: string,
  body?: unknown,
): Promise<string | null> {
  const response = await call(base, method, path, key, body);
  if (response.status >= 300) {
    throw new Error(`${method} ${path} → ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return typeof response.body.position === 'string' ? response.body.position : null;
}

async function csvRows(file: string): Promise<Record<string, string>[]> {
  const [header, ...lines] = (await readFile(file, 'utf8')).trim().split('\n');
  const columns = (header ?? '').split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(columns.map((column, i) => [column, cells[i] ?? '']));
  });
}

/** Returns the log position of the last write, or null when the demo was already loaded. */
export async function loadDemoPortfolio(
  base: string,
  samples: string,
  key: string,
): Promise<string | null> {
  const registered = await call(base, 'POST', '/companies', key, {
    id: DEMO_COMPANY,
    name: 'Demo SaaS Co.',
  });
  if (registered.status === 409) return null;
  if (registered.status !== 201)
    throw new Error(`registering the demo company: ${JSON.stringify(registered.body)}`);
  const company = `/companies/${DEMO_COMPANY}`;
  let position: string | null = null;
  for (const row of await csvRows(join(samples, 'spend.csv'))) {
    position = await expectOk(base, 'POST', `${company}/spends`, key, {
      cohort_month: row.cohort_month,
      planned_spend: row.spend,
    });
    if (row.actual_spend) {
      position = await expectOk(base, 'PUT', `${company}/spends/${row.cohort_month}/actual`, key, {
        actual_spend: row.actual_spend,
      });
    }
  }
  for (const row of await csvRows(join(samples, 'trades.csv'))) {
    position = await expectOk(base, 'POST', `${company}/trades`, key, row);
  }
  for (const row of await csvRows(join(samples, 'thresholds.csv'))) {
    position = await expectOk(base, 'POST', `${company}/thresholds`, key, {
      payment_period_month: Number(row.payment_period_month),
      minimum_payment_percent: row.minimum_payment_percent,
    });
  }
  for (const row of await csvRows(join(samples, 'overrides.csv'))) {
    position = await expectOk(base, 'POST', `${company}/threshold-overrides`, key, {
      ...row,
      payment_period_month: Number(row.payment_period_month),
    });
  }
  const scenarios = { WORST: ['0.15', '0.12'], AVERAGE: ['0.2', '0.08'], BEST: ['0.25', '0.05'] };
  for (const [scenario, [m0, churn]] of Object.entries(scenarios)) {
    position = await expectOk(base, 'PUT', `${company}/predictions/${scenario}`, key, {
      m0,
      churn,
    });
  }

  const form = new FormData();
  const csv = await readFile(join(samples, 'payments.csv'));
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'payments.csv');
  const upload = await fetch(`${base}${company}/payments/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}` },
    body: form,
  });
  const uploaded = (await upload.json()) as Record<string, unknown>;
  if (upload.status >= 300) throw new Error(`uploading payments: ${JSON.stringify(uploaded)}`);
  return typeof uploaded.position === 'string' ? uploaded.position : position;
}

/** The actual cashflows once they reflect `position` (read-your-writes through the gateway). */
export async function cashflowsAt(
  base: string,
  position: string | null,
  key: string,
): Promise<CashflowDocument> {
  const query = position ? `?min_position=${encodeURIComponent(position)}` : '';
  for (let attempt = 0; attempt < 12; attempt++) {
    const response = await fetch(`${base}/companies/${DEMO_COMPANY}/cashflows${query}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    if (response.ok) return (await response.json()) as CashflowDocument;
    if (response.status !== 503)
      throw new Error(`GET cashflows → ${response.status}: ${await response.text()}`);
  }
  throw new Error('the demo portfolio was not computed within a minute');
}

/** What demo keys are named, so that the next start revokes them before making new ones. */
const DEMO_KEY_NAME = 'demo key (npm start)';

/**
 * One API key per role for the demo (the company key bound to the demo company). The keys
 * of an earlier start are revoked first: a demo leaves one live set behind, not one per run.
 */
export async function createDemoKeys(
  base: string,
  adminKey: string,
): Promise<Record<'company' | 'underwriting' | 'operations', string>> {
  const listed = await call(base, 'GET', '/api-keys', adminKey);
  const keys = (listed.body.api_keys ?? []) as {
    id: string;
    name: string | null;
    revoked_at: string | null;
  }[];
  for (const old of keys.filter((k) => k.name === DEMO_KEY_NAME && k.revoked_at === null)) {
    await call(base, 'DELETE', `/api-keys/${old.id}`, adminKey);
  }
  const create = async (role: string, companyId?: string): Promise<string> => {
    const made = await call(base, 'POST', '/api-keys', adminKey, {
      role,
      ...(companyId === undefined ? {} : { company_id: companyId }),
      name: DEMO_KEY_NAME,
    });
    if (made.status !== 201 || typeof made.body.key !== 'string') {
      throw new Error(
        `creating the demo ${role} key → ${made.status}: ${JSON.stringify(made.body)}`,
      );
    }
    return made.body.key;
  };
  return {
    company: await create('company', DEMO_COMPANY),
    underwriting: await create('underwriting'),
    operations: await create('operations'),
  };
}
