import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Where integration tests find their services. Real URLs come from the environment
 * (TEST_DATABASE_URL, TEST_REDIS_URL, TEST_KAFKA_BROKERS); the defaults are the services this
 * machine and CI run locally. testcontainers is the fallback only when a URL is explicitly
 * set to "testcontainers" and a Docker engine exists (there is none on our machines).
 */
export const testServices = {
  postgresAdminUrl: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
  kafkaBrokers: (process.env.TEST_KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
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
