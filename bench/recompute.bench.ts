import { randomBytes } from 'node:crypto';
import {
  CacheKeys,
  CohortCache,
  CohortRecomputer,
  closeRedis,
  connectRedis,
  systemClock,
} from '@cvf/cache';
import { type MonthIndex } from '@cvf/domain';
import { migrateReadModel, ReadModelQueries } from '@cvf/read-model';
import { type Redis } from 'ioredis';
import { Client, Pool } from 'pg';
import { type Measurement, random, report, verdict } from './harness';

/**
 * Recompute cost of ONE dirty cohort for a company with 1,000 vs 1,000,000 payments of
 * history. Both companies have the same shape (24 cohort months, each customer paying once a
 * month for 20 months, so 480 cohort-table cells), only 1,000× more customers and payments:
 * the read model holds what those payments aggregate to (customers, cohorts, cohort_totals),
 * seeded directly. A job reads only the dirty cohort's totals and the cached entries of the
 * others, so its cost must not follow the history: target ratio ≤ 1.5.
 */

const JAN_2021 = 2021 * 12;
const COHORTS = 24;
const PAYMENTS_PER_CUSTOMER = 20;
const RUNS = 60;

interface Seeded {
  readonly companyId: string;
  readonly customers: number;
}

/** The rows `payments` payments produce, written straight into the read-model tables. */
async function seedCompany(pool: Pool, companyId: string, payments: number): Promise<Seeded> {
  const customers = payments / PAYMENTS_PER_CUSTOMER;
  const rnd = random(payments);
  const cells = new Map<string, { cohort: number; month: number; cents: number; count: number }>();
  const customerIds: string[] = [];
  const customerCohorts: number[] = [];
  for (let c = 0; c < customers; c++) {
    customerIds.push(`cus_${c}`);
    customerCohorts.push(JAN_2021 + (c % COHORTS));
  }
  for (let i = 0; i < payments; i++) {
    const cohort = customerCohorts[i % customers]!;
    const month = cohort + Math.floor(i / customers);
    const key = `${cohort}/${month}`;
    const cell = cells.get(key) ?? { cohort, month, cents: 0, count: 0 };
    cell.cents += Math.floor(rnd() * 50_000);
    cell.count += 1;
    cells.set(key, cell);
  }
  const months = Array.from({ length: COHORTS }, (_, i) => JAN_2021 + i);
  const counts = months.map((m) => customerCohorts.filter((c) => c === m).length);
  const rows = [...cells.values()];
  const q = (sql: string, values: unknown[]) => pool.query(sql, values);
  await q(`INSERT INTO read_model.companies VALUES ($1, 'bench', now())`, [companyId]);
  await q(
    `INSERT INTO read_model.spends SELECT $1, m, 5000000 + m % 7 * 10000, NULL FROM unnest($2::int[]) m`,
    [companyId, months],
  );
  await q(`INSERT INTO read_model.trades SELECT $1, m, 0.35, 4000000 FROM unnest($2::int[]) m`, [
    companyId,
    months,
  ]);
  await q(`INSERT INTO read_model.thresholds VALUES ($1, 1, 0.05), ($1, 3, 0.04), ($1, 6, 0.03)`, [
    companyId,
  ]);
  await q(
    `INSERT INTO read_model.prediction_assumptions VALUES
       ($1, 'WORST', 0.2, 0.15), ($1, 'AVERAGE', 0.3, 0.1), ($1, 'BEST', 0.4, 0.05)`,
    [companyId],
  );
  await q(
    `INSERT INTO read_model.customers SELECT $1, id, m FROM unnest($2::text[], $3::int[]) AS t(id, m)`,
    [companyId, customerIds, customerCohorts],
  );
  await q(
    `INSERT INTO read_model.cohorts SELECT $1, m, n FROM unnest($2::int[], $3::int[]) AS t(m, n)`,
    [companyId, months, counts],
  );
  await q(
    `INSERT INTO read_model.cohort_totals
     SELECT $1, c, m, cents, n FROM unnest($2::int[], $3::int[], $4::bigint[], $5::int[]) AS t(c, m, cents, n)`,
    [
      companyId,
      rows.map((r) => r.cohort),
      rows.map((r) => r.month),
      rows.map((r) => String(r.cents)),
      rows.map((r) => r.count),
    ],
  );
  await q(`INSERT INTO read_model.company_positions VALUES ($1, '9007199254740993', 42)`, [
    companyId,
  ]);
  return { companyId, customers };
}

async function measureAsync(
  name: string,
  runs: number,
  fn: () => Promise<unknown>,
): Promise<Measurement> {
  for (let i = 0; i < 5; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { name, medianMs: times[Math.floor(times.length / 2)]!, bestMs: times[0]!, runs };
}

export async function recomputeBench(): Promise<boolean> {
  console.log('\nRecompute of one dirty cohort (libs/cache, PostgreSQL read model + Redis)');
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `cvf_bench_recompute_${randomBytes(4).toString('hex')}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await admin(adminUrl, `CREATE DATABASE ${name}`);
  const pool = new Pool({ connectionString: url.toString(), max: 4 });
  const prefix = `cvfbench:${randomBytes(4).toString('hex')}`;
  let redis: Redis | null = null;
  try {
    await migrateReadModel(pool);
    const small = await seedCompany(pool, 'bench-1k', 1_000);
    const large = await seedCompany(pool, 'bench-1m', 1_000_000);
    await pool.query('ANALYZE');
    redis = await connectRedis(process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379', 'commands');
    const cache = new CohortCache(redis, new CacheKeys(prefix), 600);
    const recomputer = new CohortRecomputer(new ReadModelQueries(pool), cache, null, systemClock);
    const dirty: MonthIndex[] = [JAN_2021 + 11];
    const results: Measurement[] = [];
    for (const company of [small, large]) {
      // Fill the cache first: the job under test finds the clean cohorts cached, as in steady state.
      await recomputer.recompute(company.companyId, 'all');
      const payments = (company.customers * PAYMENTS_PER_CUSTOMER).toLocaleString('en-US');
      const label = `${payments} payments (${company.customers.toLocaleString('en-US')} customers), 1 of 24 cohorts dirty`;
      const m = await measureAsync(label, RUNS, () =>
        recomputer.recompute(company.companyId, dirty),
      );
      report(m);
      results.push(m);
    }
    const ratio = results[1]!.medianMs / results[0]!.medianMs;
    console.log(
      `  1,000,000 vs 1,000 payments: ${ratio.toFixed(2)}× (4 views: actual + 3 scenarios, horizon 36)`,
    );
    return verdict('recompute cost ratio, 1,000,000 vs 1,000 payments', ratio, 1.5, '×');
  } finally {
    if (redis) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
      await closeRedis(redis);
    }
    await pool.end();
    await admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

async function admin(adminUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
