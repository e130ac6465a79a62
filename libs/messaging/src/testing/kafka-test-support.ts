import { randomBytes } from 'node:crypto';
import { type Kafka, type KafkaMessage } from 'kafkajs';
import { testServices } from '@cvf/test-support';
import { createKafka } from '../topics';

/**
 * Kafka for integration tests: the real broker `scripts/kafka.sh start` runs (CI starts it;
 * TEST_KAFKA_BROKERS overrides). Tests fail, not skip, when it is not there. Each test uses
 * its own topics and consumer groups so files can share the broker.
 */
export function testKafka(): Kafka {
  return createKafka({
    brokers: testServices.kafkaBrokers,
    clientId: `cvf-test-${randomBytes(3).toString('hex')}`,
  });
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export async function createTopic(kafka: Kafka, topic: string, partitions = 3): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: partitions }],
    });
  } finally {
    await admin.disconnect();
  }
}

/** Reads a topic from the beginning until `enough(messages)` holds (bounded). */
export async function consumeUntil(
  kafka: Kafka,
  topic: string,
  enough: (messages: readonly KafkaMessage[]) => boolean,
  timeoutMs = 30_000,
): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('cvf-test-reader'), maxWaitTimeInMs: 100 });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        messages.push(message);
        return Promise.resolve();
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (!enough(messages)) {
      if (Date.now() > deadline)
        throw new Error(`timed out with ${messages.length} messages on ${topic}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return messages;
  } finally {
    await consumer.disconnect();
  }
}
