import { type Admin, type Kafka, logLevel, Kafka as KafkaClient } from 'kafkajs';

/** Every domain event, keyed by company id (one company's events stay in order). */
export const EVENTS_TOPIC = 'cvf.events.v1';
/** ThresholdBreached and CohortCapped alerts for ops dashboards, keyed by company id. */
export const ALERTS_TOPIC = 'cvf.alerts.v1';
/** The projectors' consumer group: instances share the partitions of the events topic. */
export const PROJECTOR_GROUP = 'cvf-projector';

/** The Kafka names one deployment uses: the constants above behind `KAFKA_TOPIC_PREFIX`. */
export interface KafkaTopics {
  readonly events: string;
  readonly alerts: string;
  readonly projectorGroup: string;
}

export function kafkaTopics(prefix = ''): KafkaTopics {
  return {
    events: `${prefix}${EVENTS_TOPIC}`,
    alerts: `${prefix}${ALERTS_TOPIC}`,
    projectorGroup: `${prefix}${PROJECTOR_GROUP}`,
  };
}

export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** `KAFKA_TOPIC_PREFIX`: prepended to topic and group names (default none). */
  readonly topicPrefix?: string;
  /** Partitions of the topics when this process creates them. */
  readonly partitions?: number;
  /** kafkajs's own logging (default WARN; tests that kill brokers silence it). */
  readonly logLevel?: logLevel;
}

export function createKafka(settings: KafkaSettings): Kafka {
  return new KafkaClient({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    logLevel: settings.logLevel ?? logLevel.WARN,
    retry: { initialRetryTime: 200 },
  });
}

/**
 * Creates the topics if missing (idempotent). Partition count bounds projector parallelism;
 * the replication factor is the broker's default (1 on the single test broker).
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: KafkaTopics,
  partitions = 6,
): Promise<void> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [topics.events, topics.alerts].filter((topic) => !existing.has(topic));
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

/**
 * Deletes every topic and consumer group whose name starts with `prefix` (a `KAFKA_TOPIC_PREFIX`):
 * how tests and benchmarks leave a shared cluster as they found it. A group a consumer still
 * holds cannot go yet; it is left (it costs the broker a few bytes).
 */
export async function dropPrefixed(kafka: Kafka, prefix: string): Promise<void> {
  if (prefix === '') throw new Error('dropPrefixed: an empty prefix would delete everything');
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    const { groups } = await admin.listGroups();
    const ours = groups.map((g) => g.groupId).filter((id) => id.startsWith(prefix));
    if (ours.length > 0) await admin.deleteGroups(ours).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}
