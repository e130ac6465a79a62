import { type PostgresEventStore, type NewEvent } from '@cvf/event-store';
import { randomUUID } from 'node:crypto';
import { type Kafka, type KafkaMessage, type Producer } from 'kafkajs';
import { type Pool } from 'pg';
import { createTestEventStore, type TestEventStore } from '@cvf/test-support';
import { decodeEvent } from './event-codec';
import { EventRelay, RELAY_PRODUCER_CONFIG } from './relay';
import { consumeUntil, createTopic, testKafka, uniqueName } from './testing/kafka-test-support';

let bed: TestEventStore;
let pool: Pool;
let store: PostgresEventStore;
let kafka: Kafka;
let producer: Producer;

beforeAll(async () => {
  bed = await createTestEventStore('relay', 6);
  ({ pool, store } = bed);
  kafka = testKafka();
  producer = kafka.producer(RELAY_PRODUCER_CONFIG);
  await producer.connect();
});

afterAll(async () => {
  await producer.disconnect();
  await bed.close();
});

function paymentEvent(companyId: string, n: number): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'PaymentRecorded',
    schemaVersion: 2,
    data: {
      payment_id: `p${n}`,
      customer_id: 'c',
      payment_date: '2021-01-01',
      amount: '1.00',
      source: 'api',
    },
    metadata: {
      companyId,
      occurredAt: new Date().toISOString(),
      actor: 'test',
      causationId: null,
      correlationId: null,
    },
  };
}

async function appendFor(companies: readonly string[], perCompany: number): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n < perCompany; n++) {
    for (const company of companies) {
      const event = paymentEvent(company, n);
      ids.push(event.eventId);
      await store.append(`payment-${company}-p${n}`, [event], { kind: 'no-stream' });
    }
  }
  return ids;
}

it('publishes every event keyed by company, each company in log order', async () => {
  const topic = uniqueName('cvf.events.relay');
  await createTopic(kafka, topic);
  const companies = [uniqueName('co'), uniqueName('co'), uniqueName('co')];
  const ids = await appendFor(companies, 20);
  const relay = new EventRelay(store, pool, producer, { name: topic, topic, batchSize: 7 });
  await relay.start();
  try {
    const messages = await consumeUntil(kafka, topic, (m) => m.length >= ids.length);
    const events = messages.map(decodeEvent);
    expect(new Set(events.map((e) => e.eventId))).toEqual(new Set(ids));
    for (const message of messages)
      expect(message.key?.toString()).toBe(decodeEvent(message).metadata.companyId);
    for (const company of companies) {
      const own = events
        .filter((e) => e.metadata.companyId === company)
        .map((e) => BigInt(e.globalPosition));
      expect(own).toEqual([...own].sort((a, b) => (a < b ? -1 : 1)));
      expect(own).toHaveLength(20);
    }
  } finally {
    await relay.stop();
  }
});

it('given a send fails mid-stream, then the relay retries that batch and carries on: every event arrives, none skipped', async () => {
  const topic = uniqueName('cvf.events.relay');
  await createTopic(kafka, topic);
  const ids = await appendFor([uniqueName('co'), uniqueName('co')], 30);
  // A producer whose third and fourth sends fail (as kafkajs does when the broker refuses
  // connections): the relay must neither end nor move its checkpoint past the failed batch.
  let sends = 0;
  const failures: unknown[] = [];
  const failing = {
    send: async (record: Parameters<Producer['send']>[0]) => {
      sends += 1;
      if (sends === 3 || sends === 4) throw new Error('broker connection lost');
      return producer.send(record);
    },
  } as unknown as Producer;
  const relay = new EventRelay(store, pool, failing, {
    name: topic,
    topic,
    batchSize: 10,
    onError: (error) => failures.push(error),
  });
  await relay.start();
  try {
    // The log also holds the other tests' events: this test looks at its own.
    const ours = new Set(ids);
    const own = (m: readonly KafkaMessage[]) =>
      m.map((x) => decodeEvent(x).eventId).filter((id) => ours.has(id));
    const messages = await consumeUntil(kafka, topic, (m) => new Set(own(m)).size >= ids.length);
    expect(new Set(own(messages))).toEqual(ours);
    expect(own(messages)).toHaveLength(ids.length); // a send that threw published nothing
    expect(failures.map(String)).toEqual([
      'Error: broker connection lost',
      'Error: broker connection lost',
    ]);
    expect(relay.failingSince).toBeNull();
  } finally {
    await relay.stop();
  }
});

it('lets only one relay publish at a time (the second waits as a standby)', async () => {
  const topic = uniqueName('cvf.events.relay');
  await createTopic(kafka, topic);
  const leader = new EventRelay(store, pool, producer, { name: topic, topic });
  await leader.start();
  const standby = new EventRelay(store, pool, producer, { name: topic, topic });
  let standbyStarted = false;
  const standbyStart = standby.start().then(() => {
    standbyStarted = true;
  });
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(standbyStarted).toBe(false);
  await leader.stop();
  await standbyStart;
  expect(standbyStarted).toBe(true);
  await standby.stop();
});
