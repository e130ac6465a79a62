import { randomBytes, randomUUID } from 'node:crypto';
import {
  CURRENT_SCHEMA_VERSION,
  type DomainEvent,
  formatCents,
  formatMonth,
  paymentStreamId,
} from '@cvf/domain';
import {
  type EventStore,
  type LogPosition,
  migrate,
  type NewEvent,
  PostgresEventStore,
  type StreamAppend,
} from '@cvf/event-store';
import { ReadModelProjection, migrateReadModel, rebuildReadModels } from '@cvf/read-model';
import { Client, Pool } from 'pg';
import { random, verdict } from './harness';

const COMPANIES = 5;
const PAYMENTS_PER_COMPANY = 39_600;
const REFUNDS_PER_COMPANY = 400;
const CUSTOMERS_PER_COMPANY = 4_000;
const FIRST_MONTH = 2021 * 12;
const TARGET_EVENTS_PER_SECOND = 50_000;

function newEvent(companyId: string, event: DomainEvent): NewEvent {
  return {
    eventId: randomUUID(),
    type: event.type,
    schemaVersion: CURRENT_SCHEMA_VERSION[event.type],
    data: event.data,
    metadata: {
      companyId,
      occurredAt: '2026-01-01T00:00:00.000Z',
      actor: 'bench',
      causationId: null,
      correlationId: null,
    },
  };
}

/** ~200,000 events: payments over 24 months for 5 companies, then 1% of them refunded. */
function syntheticLog(): { recorded: StreamAppend[]; refunds: StreamAppend[] } {
  const rnd = random(7);
  const recorded: StreamAppend[] = [];
  const refunds: StreamAppend[] = [];
  for (let c = 0; c < COMPANIES; c++) {
    const companyId = `bench-${c}`;
    const firstMonth = Array.from({ length: CUSTOMERS_PER_COMPANY }, () => Math.floor(rnd() * 18));
    for (let p = 0; p < PAYMENTS_PER_COMPANY; p++) {
      const customer = Math.floor(rnd() * CUSTOMERS_PER_COMPANY);
      const month = FIRST_MONTH + firstMonth[customer]! + Math.floor(rnd() * 6);
      const paymentId = `pay-${p}`;
      const cents = 100 + Math.floor(rnd() * 50_000);
      const streamId = paymentStreamId(companyId, paymentId);
      recorded.push({
        streamId,
        expected: { kind: 'no-stream' },
        events: [
          newEvent(companyId, {
            type: 'PaymentRecorded',
            data: {
              payment_id: paymentId,
              customer_id: `cus-${customer}`,
              payment_date: `${formatMonth(month).slice(0, 8)}${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`,
              amount: formatCents(cents, 2),
              source: 'csv',
            },
          }),
        ],
      });
      if (p < REFUNDS_PER_COMPANY) {
        refunds.push({
          streamId,
          expected: { kind: 'exact', version: 1 },
          events: [
            newEvent(companyId, {
              type: 'PaymentRefunded',
              data: { payment_id: paymentId, refund_id: `r-${p}`, amount: formatCents(50, 2) },
            }),
          ],
        });
      }
    }
  }
  return { recorded, refunds };
}

async function readWholeLog(store: EventStore, pageSize: number): Promise<number> {
  let after: LogPosition | null = null;
  let count = 0;
  for (;;) {
    const page = await store.readAll(after, pageSize);
    if (page.events.length === 0) return count;
    count += page.events.length;
    after = page.checkpoint;
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const rate = (events: number, ms: number): string =>
  `${Math.round((events * 1000) / ms).toLocaleString('en-US')} events/s`;

/** harness.measure for async work: warm-up runs, then the median of the timed runs (ms). */
async function medianMs(runs: number, warmup: number, fn: () => Promise<unknown>) {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, best: times[0]!, runs };
}

/**
 * Rebuild of the read models from ~200,000 payment events, beside two baselines measured in
 * the same run on the same data: a server-side scan of the events table and a read of the
 * whole log through `readAll` without applying anything (the floor of any replay through
 * the port). Like the engine bench: one warm-up, then the median of three runs.
 */
export async function rebuildBench(): Promise<boolean> {
  console.log('\nRead-model rebuild (libs/read-model)');
  const adminUrl =
    process.env.BENCH_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `cvf_bench_rebuild_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = new Pool({ connectionString: url.toString(), max: 6 });
  // An idle connection dropped by the server must not crash the run (the next query retries).
  pool.on('error', () => undefined);
  const store = new PostgresEventStore(pool);
  try {
    await migrate(pool);
    await migrateReadModel(pool);
    const { recorded, refunds } = syntheticLog();
    const total = recorded.length + refunds.length;
    let start = performance.now();
    for (let i = 0; i < recorded.length; i += 20_000) {
      await store.appendMany(recorded.slice(i, i + 20_000));
    }
    await store.appendMany(refunds);
    console.log(
      `  appended ${total.toLocaleString('en-US')} events in ${seconds(performance.now() - start)}`,
    );
    await pool.query('VACUUM ANALYZE events');
    const visible = await readWholeLog(store, 10_000);
    if (visible !== total) {
      throw new Error(`log shows ${visible} of ${total} events: a long transaction elsewhere?`);
    }

    const scan = await medianMs(3, 1, () =>
      pool.query('SELECT count(*), sum(octet_length(data::text)) FROM events'),
    );
    console.log(
      `  baseline: SQL scan of the events table                ${seconds(scan.median)}  ${rate(total, scan.median)}`,
    );
    const read = await medianMs(3, 1, () => readWholeLog(store, 10_000));
    console.log(
      `  baseline: readAll of the whole log, nothing applied   ${seconds(read.median)}  ${rate(total, read.median)}`,
    );
    let rebuilt = 0;
    const rebuild = await medianMs(3, 1, async () => {
      rebuilt = (await rebuildReadModels({ pool, eventStore: store, pageSize: 10_000 })).events;
    });
    if (rebuilt !== total) throw new Error(`rebuild replayed ${rebuilt} of ${total} events`);
    const eventsPerSecond = (total * 1000) / rebuild.median;
    console.log(
      `  rebuildReadModels, 10,000-event pages, switch included ${seconds(rebuild.median)}  ` +
        `${rate(total, rebuild.median)}  (${(rebuild.median / read.median).toFixed(2)}× readAll; ` +
        `best ${rate(total, rebuild.best)})`,
    );

    // For comparison: the live path (incremental cohorts) catching up the same log.
    await migrateReadModel(pool, 'read_model_incremental');
    const incremental = new ReadModelProjection(pool, 'read_model_incremental');
    start = performance.now();
    let after: LogPosition | null = null;
    for (;;) {
      const page = await store.readAll(after, 2_000);
      if (page.events.length === 0) break;
      await incremental.applyBatch(page.events);
      after = page.checkpoint;
    }
    const incrementalMs = performance.now() - start;
    console.log(
      `  for comparison: live path (incremental cohorts), 2,000-event batches ${seconds(incrementalMs)}  ${rate(total, incrementalMs)}`,
    );
    return verdict('rebuild rate', eventsPerSecond, TARGET_EVENTS_PER_SECOND, 'events/s', false);
  } finally {
    await store.close();
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
