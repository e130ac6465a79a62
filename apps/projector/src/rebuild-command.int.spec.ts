import { migrate, PostgresEventStore } from '@cvf/event-store';
import { ReadModelQueries } from '@cvf/read-model';
import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@cvf/test-support';
import {
  appendInOrder,
  companyHistory,
  expectedCohortTotals,
  waitUntilVisible,
} from '@cvf/read-model/testing';
import { runRebuildCommand } from './rebuild-command';

jest.setTimeout(30_000);

describe('cvf rebuild', () => {
  let database: TestDatabase;
  let pool: Pool;
  const env = process.env.DATABASE_URL;

  beforeAll(async () => {
    database = await createTestDatabase('rebuild_command');
    pool = new Pool({ connectionString: database.url, max: 2 });
    await migrate(pool);
    process.env.DATABASE_URL = database.url;
  });

  afterAll(async () => {
    if (env === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = env;
    await pool.end();
    await database.drop();
  });

  it('rebuilds the read models, drawing progress on stderr and a summary on stdout', async () => {
    const history = companyHistory('cli-co', 4, 60);
    const store = new PostgresEventStore(pool);
    await appendInOrder(store, history);
    await waitUntilVisible(store, history.length);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await runRebuildCommand(['--page-size', '100'])).toBe(0);
      expect(String(stderr.mock.calls.at(-1)?.[0])).toContain(
        `${history.length}/${history.length} events`,
      );
      expect(String(stdout.mock.calls[0]?.[0])).toMatch(
        new RegExp(`^rebuilt read_model: ${history.length} events of 1 company`),
      );
      expect(await runRebuildCommand(['--page-size', 'x'])).toBe(2);
    } finally {
      stderr.mockRestore();
      stdout.mockRestore();
    }
    const totals = await new ReadModelQueries(pool).loadCohortTotals('cli-co', 'all');
    expect([...totals.values()]).toEqual(
      [...expectedCohortTotals(history).values()].sort((a, b) => a.cohortMonth - b.cohortMonth),
    );
  });
});
