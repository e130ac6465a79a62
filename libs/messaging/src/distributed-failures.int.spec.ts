import { type PostgresEventStore, type RecordedEvent } from '@cvf/event-store';
import { migrateReadModel, readModelChecksum, ReadModelProjection } from '@cvf/read-model';
import { type Kafka, type KafkaMessage, logLevel, type Producer } from 'kafkajs';
import { type Pool } from 'pg';
import {
  type AppProcess,
  startAppProcess,
  stopAppProcess,
  untilReady,
} from '@cvf/platform/testing';
import { createTestEventStore, type TestEventStore, testServices } from '@cvf/test-support';
import { decodeEvent } from './event-codec';
import { KafkaEventSource } from './kafka-event-source';
import { KafkaProbe } from './kafka-probe';
import { EventRelay, RELAY_PRODUCER_CONFIG } from './relay';
import { consumeUntil, createTopic, uniqueName } from './testing/kafka-test-support';
import { type OwnBroker, startOwnBroker } from './testing/own-broker';
import { writePortfolio } from './testing/portfolio-events';
import { countEvents, paymentLoad, projectEmbedded, until } from './testing/projection-check';
import { createKafka, dropPrefixed, kafkaTopics } from './topics';

// Distributed mode under failure, with load running: the broker crashes (SIGKILL) and comes
// back; the relay process is SIGKILLed mid-stream and restarted. Either way every event of
// the log reaches Kafka at least once, and the Kafka-fed read models end up identical to
// embedded mode's projection of the same log.

jest.setTimeout(150_000);

let bed: TestEventStore;
let pool: Pool;
let store: PostgresEventStore;

beforeAll(async () => {
  bed = await createTestEventStore('distributed_failures', 10);
  ({ pool, store } = bed);
});

afterAll(async () => {
  await bed.close();
});

/** A projector instance (consumer group member) applying the topic to `schema`. */
async function kafkaProjector(kafka: Kafka, topic: string, schema: string) {
  await migrateReadModel(pool, schema);
  const projection = new ReadModelProjection(pool, schema);
  let handled = 0;
  const errors: unknown[] = [];
  const subscription = new KafkaEventSource(kafka, {
    groupId: uniqueName('cvf-projector'),
    topic,
    onError: (error) => errors.push(error),
  }).subscribe(null, async (batch: readonly RecordedEvent[]) => {
    await projection.applyBatch(batch);
    handled += batch.length;
  });
  return { subscription, handled: () => handled, errors };
}

/** Every event of the log is on the topic (at least once) and the read models match. */
async function expectNoLoss(kafka: Kafka, topic: string, schema: string): Promise<void> {
  const { rows } = await pool.query<{ event_id: string }>('SELECT event_id::text FROM events');
  const logged = new Set(rows.map((row) => row.event_id));
  const has = (messages: readonly KafkaMessage[]) => {
    const published = new Set(messages.map((m) => decodeEvent(m).eventId));
    return [...logged].every((id) => published.has(id));
  };
  const messages = await consumeUntil(kafka, topic, has, 60_000);
  expect(has(messages)).toBe(true);

  const reference = `${schema}_embedded`;
  await projectEmbedded(pool, store, reference);
  const expected = await readModelChecksum(pool, reference);
  await until(
    'the Kafka-fed read models equal the embedded ones',
    async () => {
      return (await readModelChecksum(pool, schema)) === expected;
    },
    60_000,
  );
  expect(await readModelChecksum(pool, schema)).toBe(expected);
}

describe('the broker crashes and restarts under load', () => {
  let broker: OwnBroker;
  let kafka: Kafka;
  let producer: Producer;

  beforeAll(async () => {
    broker = await startOwnBroker();
    // kafkajs logs every refused connection while the broker is down: expected here.
    kafka = createKafka({
      brokers: broker.brokers,
      clientId: uniqueName('cvf-test'),
      logLevel: logLevel.NOTHING,
    });
    producer = kafka.producer(RELAY_PRODUCER_CONFIG);
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await broker?.remove();
  });

  it('loses no event: the relay waits and resumes, the projector group rejoins, the read models match', async () => {
    const topic = uniqueName('cvf.events.crash');
    await createTopic(kafka, topic, 4);
    const companies = Array.from({ length: 4 }, (_, i) => `crash-${i}-${uniqueName('co')}`);
    await writePortfolio(store, companies);
    const relay = new EventRelay(store, pool, producer, { name: topic, topic, batchSize: 50 });
    let relayFailed: unknown = null;
    await relay.start();
    relay.done.catch((error: unknown) => (relayFailed = error));
    const projector = await kafkaProjector(kafka, topic, 'rm_crash');
    const probe = new KafkaProbe(kafka);
    const load = paymentLoad(store, companies, 'crash');
    try {
      await until('events flow through Kafka', () => projector.handled() > 50);
      await probe.ping(); // readiness: up
      await broker.kill();
      const handledAtCrash = projector.handled();
      await expect(probe.ping()).rejects.toThrow(); // readiness: down while the broker is
      await new Promise((resolve) => setTimeout(resolve, 3_000)); // writes go on meanwhile
      await broker.resume();
      await until('readiness sees the broker again', () =>
        probe.ping().then(
          () => true,
          () => false,
        ),
      );
      await until(
        'events flow again after the restart',
        () => projector.handled() > handledAtCrash,
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const written = await load.stop();
      expect(written).toBeGreaterThan(100);

      await expectNoLoss(kafka, topic, 'rm_crash');
      expect(relayFailed).toBeNull();
      expect(await countEvents(pool)).toBeGreaterThan(written);
    } finally {
      await load.stop();
      await probe.close();
      await projector.subscription.stop();
      await relay.stop();
    }
  });
});

describe('the relay process is killed mid-stream', () => {
  it('resumes from its checkpoint after a restart: every event arrives, the read models match', async () => {
    const prefix = `${uniqueName('test')}.`;
    const topics = kafkaTopics(prefix);
    const kafka = createKafka({ brokers: testServices.kafkaBrokers, clientId: uniqueName('t') });
    const relayEnv = {
      CVF_MODE: 'distributed',
      DATABASE_URL: bed.database.url,
      KAFKA_BROKERS: testServices.kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
    };
    const companies = Array.from({ length: 3 }, (_, i) => `kill-${i}-${uniqueName('co')}`);
    await writePortfolio(store, companies);
    const load = paymentLoad(store, companies, 'kill');
    const relays: AppProcess[] = [];
    let projector: Awaited<ReturnType<typeof kafkaProjector>> | null = null;
    const published = async (relay: AppProcess) => {
      const { body } = await relay.get('/health/ready');
      return (body as { published?: number }).published ?? 0;
    };
    try {
      relays.push(await startAppProcess('relay', relayEnv));
      await untilReady(relays[0]!); // it created the topics
      projector = await kafkaProjector(kafka, topics.events, 'rm_kill');
      await until('the first relay publishes', async () => (await published(relays[0]!)) > 0);
      await new Promise((resolve) => setTimeout(resolve, 500));
      relays[0]!.child.kill('SIGKILL');
      await relays[0]!.exited;
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // writes go on meanwhile
      relays.push(await startAppProcess('relay', relayEnv));
      await untilReady(relays[1]!);
      await until('the second relay leads and publishes', async () => {
        const { body } = await relays[1]!.get('/health/ready');
        return (body as { role?: string }).role === 'leader' && (await published(relays[1]!)) > 0;
      });
      await load.stop();

      await expectNoLoss(kafka, topics.events, 'rm_kill');
    } finally {
      await load.stop();
      await projector?.subscription.stop();
      await Promise.all(relays.map((relay) => stopAppProcess(relay)));
      await dropPrefixed(kafka, prefix);
    }
  });
});
