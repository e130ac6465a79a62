import { Module } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, openAsBlob } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { Client, Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { PostgresEventStore, type NewEvent } from '@cvf/event-store';
import { createHttpApp, DatabaseModule, loadConfig } from '@cvf/platform';
import { ADMIN_HEADERS, TEST_CREDENTIAL_ENV } from '@cvf/platform/testing';
import { IngestModule } from '@cvf/ingest';
import { random, verdict } from './harness';

const ROWS = 1_000_000;
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The CSV upload end to end (multipart over real HTTP into the in-process ingest app, one
 * transaction through the event store's bulk import), beside a raw COPY of the same file
 * into a scratch table measured in the same run; then plain append throughput, one writer
 * and eight. Everything runs in a scratch database named *bench*, dropped afterwards.
 */
export async function ingestBench(): Promise<boolean> {
  console.log('\nIngest (CSV upload through HTTP, event store appends)');
  const database = await createBenchDatabase();
  const dir = await mkdtemp(join(tmpdir(), 'cvf-ingest-bench-'));
  try {
    const csv = join(dir, 'payments.csv');
    await writeCsv(csv, ROWS);
    console.log(
      `  file: ${ROWS.toLocaleString('en')} rows, ${((await stat(csv)).size / 1e6).toFixed(1)} MB`,
    );

    const copyMs = await rawCopy(database.url, csv);
    const copyRate = ROWS / (copyMs / 1000);
    console.log(
      `  baseline: raw COPY into a scratch table   ${seconds(copyMs)}  ${rate(copyRate)} rows/s`,
    );

    const upload = await uploadOverHttp(database.url, csv);
    const uploadRate = ROWS / (upload.firstMs / 1000);
    console.log(
      `  upload (all new), end to end             ${seconds(upload.firstMs)}  ${rate(uploadRate)} rows/s  peak RSS ${upload.peakRssMb} MB`,
    );
    console.log(`    where the time went: ${upload.phases}`);
    console.log(
      `  upload again (all already recorded)      ${seconds(upload.againMs)}  ${rate(ROWS / (upload.againMs / 1000))} rows/s`,
    );
    console.log(`    where the time went: ${upload.againPhases}`);
    console.log(`  upload / raw COPY rate: ${(uploadRate / copyRate).toFixed(3)}×`);

    await appendThroughput(database.url);

    const a = verdict('upload of 1,000,000 rows end to end', upload.firstMs / 1000, 20, 's');
    const b = verdict('upload rate relative to raw COPY', uploadRate / copyRate, 0.3, '×', false);
    return a && b;
  } finally {
    await rm(dir, { recursive: true, force: true });
    await database.drop();
  }
}

async function createBenchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `cvf_bench_ingest_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: ADMIN_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** 50,000 customers over five years, amounts with cents; no payment_id: every id is derived. */
async function writeCsv(path: string, rows: number): Promise<void> {
  const rnd = random(7);
  const out = createWriteStream(path);
  out.write('customer_id,payment_date,amount\n');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const month = Math.floor(rnd() * 60);
    const date = `${2019 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`;
    chunk += `cus_${Math.floor(rnd() * 50_000)},${date},${Math.floor(rnd() * 500)}.${String(Math.floor(rnd() * 100)).padStart(2, '0')}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

async function rawCopy(url: string, csv: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      'CREATE TABLE scratch_payments (customer_id text, payment_date text, amount text)',
    );
    const start = performance.now();
    await pipeline(
      createReadStream(csv),
      client.query(copyFrom('COPY scratch_payments FROM STDIN WITH (FORMAT csv, HEADER true)')),
    );
    return performance.now() - start;
  } finally {
    await client.query('DROP TABLE IF EXISTS scratch_payments');
    await client.end();
  }
}

async function uploadOverHttp(url: string, csv: string) {
  const config = loadConfig({
    DATABASE_URL: url,
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    ...TEST_CREDENTIAL_ENV,
  });
  @Module({ imports: [DatabaseModule.forRoot(config), IngestModule] })
  class IngestBenchModule {}
  const app = await createHttpApp(IngestBenchModule, config, {
    title: 'bench',
    description: 'bench',
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  try {
    const company = await fetch(`${base}/companies`, {
      method: 'POST',
      headers: { ...ADMIN_HEADERS, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'bench', name: 'Bench' }),
    });
    if (company.status !== 201)
      throw new Error(`register: ${company.status} ${await company.text()}`);
    const post = async () => {
      const form = new FormData();
      // A file-backed Blob: undici streams it from disk into the multipart body.
      form.append('file', await openAsBlob(csv, { type: 'text/csv' }), 'payments.csv');
      const start = performance.now();
      const response = await fetch(`${base}/companies/bench/payments/upload`, {
        method: 'POST',
        headers: ADMIN_HEADERS,
        body: form,
      });
      const body = (await response.json()) as Record<string, unknown>;
      if (response.status !== 200)
        throw new Error(`upload: ${response.status} ${JSON.stringify(body).slice(0, 500)}`);
      return { ms: performance.now() - start, body };
    };
    let sampler = startSampler(url);
    const first = await post();
    const profile = await sampler.stop();
    if (first.body.recorded !== ROWS) throw new Error(`recorded ${String(first.body.recorded)}`);
    sampler = startSampler(url);
    const again = await post();
    const againPhases = (await sampler.stop()).phases;
    if (again.body.already_recorded !== ROWS)
      throw new Error(`re-upload: ${JSON.stringify(again.body)}`);
    return { firstMs: first.ms, againMs: again.ms, againPhases, ...profile };
  } finally {
    await app.close();
  }
}

/**
 * Where an upload's time goes, without instrumenting the product: every 100 ms, which
 * statement the database is running for it (none: the service is reading, parsing or
 * building events), and the process's memory.
 */
function startSampler(url: string) {
  const client = new Client({ connectionString: url });
  const counts = new Map<string, number>();
  let peakRss = 0;
  let running = true;
  const label = (query: string | undefined): string => {
    if (!query) return 'service (read, parse, validate)';
    const text = query.replace(/\s+/g, ' ').trim();
    for (const [prefix, name] of [
      ['COPY import_ids', 'COPY stream ids'],
      ['INSERT INTO streams', 'claim streams'],
      ['SELECT coalesce(array_agg', 'find existing streams'],
      ['COPY import_offers', 'COPY offered facts'],
      ['DECLARE import_conflicts', 'compare facts'],
      ['FETCH', 'compare facts'],
      ['COPY events', 'COPY events'],
      ['COMMIT', 'commit'],
    ] as const) {
      if (text.startsWith(prefix)) return name;
    }
    return text.slice(0, 30);
  };
  const loop = (async () => {
    await client.connect();
    const name = new URL(url).pathname.slice(1);
    while (running) {
      const active = await client.query<{ query: string }>(
        `SELECT query FROM pg_stat_activity
         WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid()`,
        [name],
      );
      const what = label(active.rows[0]?.query);
      counts.set(what, (counts.get(what) ?? 0) + 1);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await client.end();
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      const total = [...counts.values()].reduce((a, b) => a + b, 0) || 1;
      const phases = [...counts.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([what, n]) => `${what} ${((100 * n) / total).toFixed(0)}%`)
        .join(', ');
      return { phases, peakRssMb: Math.round(peakRss / 1e6) };
    },
  };
}

/** Appends of 100 events to fresh streams: one writer, then eight at once. */
async function appendThroughput(url: string): Promise<void> {
  const pool = new Pool({ connectionString: url, max: 10 });
  const store = new PostgresEventStore(pool);
  const events = (writer: number, round: number): NewEvent[] =>
    Array.from({ length: 100 }, (_, i) => ({
      eventId: crypto.randomUUID(),
      type: 'PaymentRefunded',
      schemaVersion: 1,
      data: { payment_id: `p-${writer}-${round}`, refund_id: `r-${i}`, amount: '1.00' },
      metadata: {
        companyId: 'bench',
        occurredAt: new Date().toISOString(),
        actor: 'bench',
        causationId: null,
        correlationId: null,
      },
    }));
  const run = async (writers: number, rounds: number, label: string) => {
    const start = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let r = 0; r < rounds; r++) {
          await store.append(`bench-${label}-${w}-${r}`, events(w, r), { kind: 'no-stream' });
        }
      }),
    );
    const ms = performance.now() - start;
    const total = writers * rounds * 100;
    console.log(
      `  appends of 100 events, ${label.padEnd(9)}  ${total.toLocaleString('en')} events in ${seconds(ms)}  ${rate(total / (ms / 1000))} events/s`,
    );
  };
  try {
    await run(1, 200, '1 writer');
    await run(8, 50, '8 writers');
  } finally {
    await store.close();
    await pool.end();
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2).padStart(7)} s`;
const rate = (perSecond: number) => Math.round(perSecond).toLocaleString('en').padStart(9);
