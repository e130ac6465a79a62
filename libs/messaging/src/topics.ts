import { type Admin, type Kafka, logLevel, Kafka as KafkaClient } from 'kafkajs';

/** Every domain event, keyed by company id (one company's events stay in order). */
export const EVENTS_TOPIC = 'cvf.events.v1';
/** ThresholdBreached and CohortCapped alerts for ops dashboards, keyed by company id. */
export const ALERTS_TOPIC = 'cvf.alerts.v1';

export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Partitions of the topics when this process creates them. */
  readonly partitions?: number;
}

export function createKafka(settings: KafkaSettings): Kafka {
  return new KafkaClient({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 200 },
  });
}

/**
 * Creates the topics if missing (idempotent). Partition count bounds projector parallelism;
 * the replication factor is the broker's default (1 on the single test broker).
 */
export async function ensureTopics(kafka: Kafka, partitions = 6): Promise<void> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [EVENTS_TOPIC, ALERTS_TOPIC].filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: partitions })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}
