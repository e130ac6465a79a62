import { type PostgresEventStore, type RecordedEvent } from '@cvf/event-store';
import { migrateReadModel, readModelChecksum, ReadModelProjection } from '@cvf/read-model';
import { type Kafka, type Producer } from 'kafkajs';
import { type Pool } from 'pg';
import { createTestEventStore, type TestEventStore } from '@cvf/test-support';
import { KafkaEventSource } from './kafka-event-source';
import { EventRelay, RELAY_PRODUCER_CONFIG } from './relay';
import { createTopic, testKafka, uniqueName } from './testing/kafka-test-support';
import { writePortfolio } from './testing/portfolio-events';
import { countEvents, projectEmbedded, until } from './testing/projection-check';

// Distributed mode end to end below the HTTP layer: log → relay → Kafka → two projector
// instances in one consumer group (with rebalances) → read models identical to the embedded
// projection of the same log.
let bed: TestEventStore;
let pool: Pool;
let store: PostgresEventStore;
let kafka: Kafka;
let producer: Producer;

beforeAll(async () => {
  bed = await createTestEventStore('kafka_projection', 10);
  ({ pool, store } = bed);
  kafka = testKafka();
  producer = kafka.producer(RELAY_PRODUCER_CONFIG);
  await producer.connect();
});

afterAll(async () => {
  await producer.disconnect();
  await bed.close();
});

it('two projector instances sharing the partitions, with rebalances, build the same read models as embedded mode', async () => {
  const topic = uniqueName('cvf.events.projection');
  await createTopic(kafka, topic, 4);
  const companies = Array.from({ length: 6 }, (_, i) => `co-${i}-${uniqueName('x')}`);
  await writePortfolio(store, companies.slice(0, 3));

  const relay = new EventRelay(store, pool, producer, { name: topic, topic, batchSize: 25 });
  await relay.start();
  await migrateReadModel(pool, 'rm_kafka');
  const groupId = uniqueName('cvf-projector');
  const handled: [number, number] = [0, 0];
  const assigned: [number[], number[]] = [[], []];
  const instance = (i: 0 | 1) => {
    const projection = new ReadModelProjection(pool, 'rm_kafka');
    const onAssignment = (partitions: readonly number[]) => {
      assigned[i] = [...partitions];
    };
    return new KafkaEventSource(kafka, { groupId, topic, onAssignment }).subscribe(
      null,
      async (batch: readonly RecordedEvent[]) => {
        await projection.applyBatch(batch);
        handled[i] += batch.length;
      },
    );
  };
  const first = instance(0);
  await until('the first instance consumes', () => Promise.resolve(handled[0] > 0));
  const second = instance(1); // joins the group: rebalance while events flow
  try {
    await until('the partitions are shared', () =>
      Promise.resolve(
        assigned[0].length > 0 &&
          assigned[1].length > 0 &&
          assigned[0].length + assigned[1].length === 4,
      ),
    );
    await writePortfolio(store, companies.slice(3));
    await first.stop(); // leaves: another rebalance, the second takes every partition
    await until('the second instance holds every partition', () =>
      Promise.resolve(assigned[1].length === 4),
    );

    await projectEmbedded(pool, store, 'rm_embedded');
    const expected = await readModelChecksum(pool, 'rm_embedded');
    await until('the Kafka-fed read models equal the embedded ones', async () => {
      return (await readModelChecksum(pool, 'rm_kafka')) === expected;
    });
    expect(await readModelChecksum(pool, 'rm_kafka')).toBe(expected);
    expect(handled[0] + handled[1]).toBeGreaterThanOrEqual(await countEvents(pool));
  } finally {
    await first.stop();
    await second.stop();
    await relay.stop();
  }
});
