// Smoke check for the local broker started by scripts/kafka.sh:
// connects, creates a topic, produces one message (idempotent producer, acks=all),
// consumes it back with a fresh consumer group, deletes the topic.
// Exits 0 on success, 1 with a message on stderr otherwise; bounded in time.
//
//   node scripts/kafka/smoke.mjs
//   KAFKA_BROKERS=127.0.0.1:9092 SMOKE_TIMEOUT_MS=30000 node scripts/kafka/smoke.mjs
import { Kafka, logLevel, Partitioners } from 'kafkajs';

const brokers = (process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`)
  .split(',')
  .map((b) => b.trim())
  .filter(Boolean);
// kafkajs 2.2.4 schedules setTimeout with a negative delay in its request queue,
// which Node >= 23 reports as TimeoutNegativeWarning; harmless, so hide only that one.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'TimeoutNegativeWarning') console.warn(w);
});

const timeoutMs = Number(process.env.SMOKE_TIMEOUT_MS ?? 30000);
const started = Date.now();
const id = `${started}-${process.pid}`;
const topic = `smoke-${id}`;
const value = `hello ${id}`;

const kafka = new Kafka({
  clientId: 'kafka-smoke',
  brokers,
  // kafkajs logs retriable errors (e.g. "coordinator is loading" on a fresh broker)
  // at ERROR; real failures surface as the thrown error. SMOKE_DEBUG=1 shows them.
  logLevel: process.env.SMOKE_DEBUG ? logLevel.INFO : logLevel.NOTHING,
  connectionTimeout: 3000,
  requestTimeout: 10000,
  retry: { retries: 3 },
});
const admin = kafka.admin();
const producer = kafka.producer({
  idempotent: true,
  maxInFlightRequests: 1,
  createPartitioner: Partitioners.DefaultPartitioner,
});
const consumer = kafka.consumer({ groupId: `smoke-group-${id}` });

const fail = (msg) => {
  console.error(
    `kafka smoke: FAILED: ${msg} (brokers ${brokers.join(',')}, after ${Date.now() - started} ms)`,
  );
  process.exit(1);
};
const timer = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);

async function main() {
  await admin.connect();
  const created = await admin.createTopics({
    topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  if (!created) throw new Error(`topic ${topic} already existed`);

  await producer.connect();
  await producer.send({ topic, acks: -1, messages: [{ key: 'smoke', value }] });

  let resolveReceived;
  const received = new Promise((resolve) => {
    resolveReceived = resolve;
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      resolveReceived(message.value?.toString());
    },
  });
  const got = await received;
  if (got !== value)
    throw new Error(`consumed ${JSON.stringify(got)}, expected ${JSON.stringify(value)}`);

  await consumer.disconnect();
  await producer.disconnect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  await admin.disconnect();
}

main().then(
  () => {
    clearTimeout(timer);
    console.error(
      `kafka smoke: OK (topic created, 1 message round-tripped in ${Date.now() - started} ms)`,
    );
    process.exit(0);
  },
  (err) => fail(err?.stack ?? String(err)),
);
