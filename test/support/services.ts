import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { addressOf, selectServices } from './service-selection';

/**
 * Where integration tests find their services: the environment's choice
 * (service-selection.ts). Unset variables mean the services this machine and CI run locally;
 * `testcontainers` means containers that jest's global setup started for the run, whose
 * addresses it put in the same variables before the specs' workers began.
 */
const selection = selectServices(process.env);

export const testServices = {
  get postgresAdminUrl(): string {
    return addressOf(selection, 'postgres');
  },
  get redisUrl(): string {
    return addressOf(selection, 'redis');
  },
  get kafkaBrokers(): string[] {
    return addressOf(selection, 'kafka').split(',');
  },
};

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/**
 * Creates a fresh database for one spec file so that specs run in parallel without stepping
 * on each other. The name always starts with `cvf_test_`; `assertTestDatabase` refuses any
 * other, so a test can never run against a real database by mistake.
 */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `cvf_test_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: testServices.postgresAdminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(testServices.postgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const client = new Client({ connectionString: testServices.postgresAdminUrl });
      await client.connect();
      try {
        // pool.end() resolves before its connections have closed: let them go first, or
        // FORCE kills them mid-goodbye and the closing client's error surfaces as an
        // unhandled 'error' of its pool in the spec. FORCE is for what a spec leaked.
        const deadline = Date.now() + 3_000;
        while (Date.now() < deadline) {
          const { rows } = await client.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
            [name],
          );
          if ((rows[0]?.n ?? 0) === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export function assertTestDatabase(databaseUrl: string): void {
  const name = new URL(databaseUrl).pathname.slice(1);
  if (!name.includes('test')) {
    throw new Error(
      `refusing to run tests against database '${name}': its name must say it is for tests`,
    );
  }
}
