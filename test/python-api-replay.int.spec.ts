import { ADMIN_HEADERS, TEST_ADMIN_KEY } from '@cvf/platform/testing';
import {
  createTestDatabase,
  runPythonReplay,
  type TestDatabase,
  testServices,
  trailingSlashOption,
} from '@cvf/test-support';
import { type Stack, startStack } from '@cvf/test-support/stack';

// The Python API's calls (scripts/python-api-replay.mjs, README "Python API compatibility")
// against the whole system in one process on real PostgreSQL and Redis: the script loads
// DOMAIN.md's worked example the way a client of the old API would and must find DOMAIN.md's
// numbers.

let database: TestDatabase;
let stack: Stack;
let base: string;

beforeAll(async () => {
  database = await createTestDatabase('python_replay');
  stack = await startStack({
    databaseUrl: database.url,
    redisUrl: testServices.redisUrl,
    label: 'python-replay',
    asAdminByDefault: false,
  });
  base = await stack.listen();
});

afterAll(async () => {
  await stack?.close();
  await database?.drop();
});

interface Check {
  readonly what: string;
  readonly ok: boolean;
}

it("given the Python API's calls, then the worked example's numbers are DOMAIN.md's", async () => {
  const replay = await runPythonReplay(
    '--base',
    base,
    '--key',
    TEST_ADMIN_KEY,
    '--json',
    ...(await trailingSlashOption(base)),
  );

  expect(replay.stderr).toBe('');
  const report = JSON.parse(replay.stdout) as {
    cohorts: unknown;
    cashflows: unknown;
    owed_2020_02: string;
    checks: Check[];
  };
  expect(report.checks.filter((check) => !check.ok)).toEqual([]);
  expect(report.owed_2020_02).toBe('420.00');
  expect(report.cohorts).toEqual({
    '2020-01-01': ['200.00', '100.00'],
    '2020-02-01': ['400.00', '300.00'],
    '2020-04-01': ['500.00'],
  });
  expect(report.cashflows).toEqual({
    '2020-01-01': { '2020-01-01': '160.00', '2020-02-01': '100.00' },
    '2020-02-01': { '2020-02-01': '320.00', '2020-03-01': '80.00' },
    '2020-04-01': { '2020-04-01': '250.00' },
  });
  expect(replay.status).toBe(0);
}, 60_000);

it('given a bad credential, then the replay names the call that failed and exits 2', async () => {
  const replay = await runPythonReplay(
    '--base',
    base,
    '--key',
    'cvfk_not_a_key',
    '--json',
    ...(await trailingSlashOption(base)),
  );
  expect(replay.status).toBe(2);
  expect(replay.stderr).toMatch(/POST \/companies\/? → 401/);
});

it('given churn alone and a cohort without payments, then that cohort is left unpredicted and says why', async () => {
  const headers = { ...ADMIN_HEADERS, 'content-type': 'application/json' };
  const post = async (path: string, body: string) => {
    const response = await fetch(`${base}${path}`, { method: 'POST', headers, body });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  await post('/companies', '{"id": "waiting", "name": "Waiting Co"}');
  const spend = await post(
    '/companies/waiting/spends',
    '{"cohort_month": "2021-03-01", "spend": 500.0}',
  );

  const predicted = await post(
    `/companies/waiting/cashflows/predicted?min_position=${String(spend.body.position)}`,
    '{"churn": 0.1}',
  );

  expect(predicted.status).toBe(200);
  expect(predicted.body.cohorts).toEqual([
    expect.objectContaining({
      cohort_month: '2021-03-01',
      spend: '500.00',
      periods: [],
      unpredicted_reason: 'no payments yet, and no m0 to predict its first period from',
    }),
  ]);
});
