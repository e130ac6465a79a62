import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { formatCents, formatMonth, paymentStreamId } from '@cvf/domain';
import { migrate, PostgresEventStore } from '@cvf/event-store';
import { type LogPosition, type RecordedEvent, type StreamAppend } from '@cvf/event-store';
import { encodeEvent, EventRelay, RELAY_PRODUCER_CONFIG } from '@cvf/messaging';
import { toNewEvent } from '@cvf/platform';
import { Pool } from 'pg';
import { type Context, withContext } from './distributed-stack';
import { sleep } from './load';

/**
 * Relay throughput: 50,000 PaymentRecorded appended first, then an in-process EventRelay (so
 * Nest's boot is not timed) publishes them; beside it a bare idempotent kafkajs producer sends
 * the same encoded messages in the same batches of 500, and the log read alone in pages of 500.
 * On a scratch database and two fresh topics.
 */

const FIRST_MONTH = 2024 * 12;
const RELAY_EVENTS = 50_000;
const RELAY_BATCH = 500;

/** PaymentRecorded number `n` as a new stream, over 5 companies (the relay keys by company). */
const paymentAppend = (n: number): StreamAppend => {
  const companyId = `relay-${n % 5}`;
  const data = {
    payment_id: `pay-${n}`,
    customer_id: `cus-${n % 997}`,
    payment_date: `${formatMonth(FIRST_MONTH + (n % 12)).slice(0, 8)}15`,
    amount: formatCents(100 + (n % 5_000), 2),
    source: 'csv' as const,
  };
  const event = toNewEvent({ type: 'PaymentRecorded', data }, { companyId, actor: 'bench' });
  const streamId = paymentStreamId(companyId, data.payment_id);
  return { streamId, expected: { kind: 'no-stream' }, events: [event] };
};

/** Relay vs a bare producer vs the log read. */
async function relayThroughput(ctx: Context, databaseUrl: string): Promise<void> {
  const pool = new Pool({ connectionString: databaseUrl, max: 6 });
  const store = new PostgresEventStore(pool);
  const producer = ctx.kafka.producer(RELAY_PRODUCER_CONFIG);
  const [bareTopic, relayTopic] = [`${ctx.prefix}relay-bare`, `${ctx.prefix}relay`];
  const perSecond = (since: number) =>
    (RELAY_EVENTS / ((performance.now() - since) / 1000)).toFixed(0);
  try {
    await migrate(pool);
    let start = performance.now();
    const appends = Array.from({ length: RELAY_EVENTS }, (_, n) => paymentAppend(n));
    for (let i = 0; i < RELAY_EVENTS; i += 10_000) {
      await store.appendMany(appends.slice(i, i + 10_000));
    }
    const appendRate = perSecond(start);
    start = performance.now();
    const pages: (readonly RecordedEvent[])[] = [];
    for (let at: LogPosition | null = null; ;) {
      const page = await store.readAll(at, RELAY_BATCH);
      if (page.events.length === 0) break;
      pages.push(page.events);
      at = page.checkpoint;
    }
    const readRate = perSecond(start);
    const admin = ctx.kafka.admin();
    await admin.connect();
    const topics = [bareTopic, relayTopic].map((topic) => ({ topic, numPartitions: 6 }));
    await admin.createTopics({ waitForLeaders: true, topics }).finally(() => admin.disconnect());
    await producer.connect();

    // The baseline sends what the relay sends, encoded beforehand: Kafka's cost alone.
    const batches = pages.map((page) => page.map(encodeEvent));
    start = performance.now();
    for (const messages of batches) await producer.send({ topic: bareTopic, acks: -1, messages });
    const bareRate = perSecond(start);

    const options = { name: relayTopic, topic: relayTopic, batchSize: RELAY_BATCH };
    const relay = new EventRelay(store, pool, producer, options);
    start = performance.now();
    await relay.start();
    const until = Date.now() + 120_000;
    while (relay.eventsPublished < RELAY_EVENTS && Date.now() < until) await sleep(2);
    const relayRate = perSecond(start);
    const published = relay.eventsPublished;
    await relay.stop();
    console.log(
      `  relay: ${RELAY_EVENTS} PaymentRecorded appended first (${appendRate} events/s); ` +
        `in-process EventRelay, batches of ${RELAY_BATCH}: ${published} published, ${relayRate} ` +
        `events/s; bare idempotent producer, same messages and batches: ${bareRate} events/s; ` +
        `relay/bare = ${(+relayRate / +bareRate).toFixed(3)}; log read alone (readAll, pages ` +
        `of ${RELAY_BATCH}): ${readRate} events/s`,
    );
  } finally {
    await producer.disconnect();
    await store.close();
    await pool.end();
  }
}

/** No target: the figures and the relay/bare ratio are printed for tracking. */
export async function relayBench(): Promise<boolean> {
  console.log(
    '\nRelay: EventRelay throughput beside a bare producer and the log read ' +
      `(${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)})`,
  );
  await withContext(async (ctx) =>
    relayThroughput(ctx, await ctx.scratch(`cvf_bench_relay_${ctx.hex}`)),
  );
  return true;
}
