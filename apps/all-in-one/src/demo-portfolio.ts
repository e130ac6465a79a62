import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCvfClient, type CvfClient, paymentsFile, type Schemas } from '@cvf/client';

/**
 * Loads the demo portfolio (samples/demo) through the real ingest path over HTTP, with the
 * typed client (@cvf/client): register, terms as JSON commands, payments as a CSV upload.
 * Idempotent: a second start finds the company registered and loads nothing.
 */
export const DEMO_COMPANY = 'demo';

const company = { params: { path: { companyId: DEMO_COMPANY } } } as const;

/** What a write answered: its log position, or the failure as an error. */
function positionOf(
  what: string,
  answer: {
    data?: { position: string | null };
    error?: unknown;
    response: Response;
  },
): string | null {
  if (answer.data === undefined) {
    throw new Error(`${what} → ${answer.response.status}: ${JSON.stringify(answer.error)}`);
  }
  return answer.data.position;
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
  const api = createCvfClient({ baseUrl: base, token: key });
  const registered = await api.POST('/companies', {
    body: { id: DEMO_COMPANY, name: 'Demo SaaS Co.' },
  });
  if (registered.response.status === 409) return null;
  let position = positionOf('registering the demo company', registered);
  for (const row of await csvRows(join(samples, 'spend.csv'))) {
    const cohortMonth = row.cohort_month ?? '';
    position = positionOf(
      'planning spend',
      await api.POST('/companies/{companyId}/spends', {
        ...company,
        body: { cohort_month: cohortMonth, planned_spend: row.spend ?? '' },
      }),
    );
    if (row.actual_spend) {
      position = positionOf(
        'reporting actual spend',
        await api.PUT('/companies/{companyId}/spends/{cohortMonth}/actual', {
          params: { path: { companyId: DEMO_COMPANY, cohortMonth } },
          body: { actual_spend: row.actual_spend },
        }),
      );
    }
  }
  for (const row of await csvRows(join(samples, 'trades.csv'))) {
    position = positionOf(
      'creating a trade',
      await api.POST('/companies/{companyId}/trades', {
        ...company,
        body: {
          cohort_month: row.cohort_month ?? '',
          sharing_percentage: row.sharing_percentage ?? '',
          cash_cap: row.cash_cap ?? '',
        },
      }),
    );
  }
  for (const row of await csvRows(join(samples, 'thresholds.csv'))) {
    position = positionOf(
      'setting a threshold',
      await api.POST('/companies/{companyId}/thresholds', {
        ...company,
        body: {
          payment_period_month: Number(row.payment_period_month),
          minimum_payment_percent: row.minimum_payment_percent ?? '',
        },
      }),
    );
  }
  for (const row of await csvRows(join(samples, 'overrides.csv'))) {
    position = positionOf(
      'waiving a threshold',
      await api.POST('/companies/{companyId}/threshold-overrides', {
        ...company,
        body: {
          cohort_month: row.cohort_month ?? '',
          payment_period_month: Number(row.payment_period_month),
          reason: row.reason ?? '',
        },
      }),
    );
  }
  const scenarios = { WORST: ['0.15', '0.12'], AVERAGE: ['0.2', '0.08'], BEST: ['0.25', '0.05'] };
  for (const [scenario, [m0, churn]] of Object.entries(scenarios)) {
    position = positionOf(
      `setting the ${scenario} assumptions`,
      await api.PUT('/companies/{companyId}/predictions/{scenario}', {
        params: { path: { companyId: DEMO_COMPANY, scenario: scenario as keyof typeof scenarios } },
        body: { m0: m0 ?? '', churn: churn ?? '' },
      }),
    );
  }
  const csv = await readFile(join(samples, 'payments.csv'));
  const uploaded = await api.POST('/companies/{companyId}/payments/upload', {
    ...company,
    body: paymentsFile(new Blob([csv], { type: 'text/csv' })),
  });
  return positionOf('uploading payments', uploaded) ?? position;
}

/** The actual cashflows once they reflect `position` (read-your-writes through the gateway). */
export async function cashflowsAt(
  base: string,
  position: string | null,
  key: string,
): Promise<Schemas['CashflowDocument']> {
  const api = createCvfClient({ baseUrl: base, token: key });
  for (let attempt = 0; attempt < 12; attempt++) {
    const { data, error, response } = await api.GET('/companies/{companyId}/cashflows', {
      params: {
        path: { companyId: DEMO_COMPANY },
        query: position === null ? {} : { min_position: position },
      },
    });
    if (data) return data;
    if (response.status !== 503) {
      throw new Error(`GET cashflows → ${response.status}: ${JSON.stringify(error)}`);
    }
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
  const api: CvfClient = createCvfClient({ baseUrl: base, token: adminKey });
  const listed = await api.GET('/api-keys');
  const keys = listed.data?.api_keys ?? [];
  for (const old of keys.filter((k) => k.name === DEMO_KEY_NAME && k.revoked_at === null)) {
    await api.DELETE('/api-keys/{keyId}', { params: { path: { keyId: old.id } } });
  }
  const create = async (
    role: Schemas['CreateApiKeyDto']['role'],
    companyId?: string,
  ): Promise<string> => {
    const made = await api.POST('/api-keys', {
      body: {
        role,
        ...(companyId === undefined ? {} : { company_id: companyId }),
        name: DEMO_KEY_NAME,
      },
    });
    if (made.data === undefined) {
      throw new Error(
        `creating the demo ${role} key → ${made.response.status}: ${JSON.stringify(made.error)}`,
      );
    }
    return made.data.key;
  };
  return {
    company: await create('company', DEMO_COMPANY),
    underwriting: await create('underwriting'),
    operations: await create('operations'),
  };
}
