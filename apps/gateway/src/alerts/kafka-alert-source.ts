import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { parseAlert } from '@cvf/cache';
import { KAFKA, KAFKA_TOPICS, type KafkaTopics, kafkaTopics } from '@cvf/messaging';
import { type Consumer, type Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { type AlertListener, AlertListeners, type AlertScope } from './alert-listeners';
import { type AlertSource, type AlertSubscription } from './alert-source.port';

/**
 * Distributed mode: the SSE stream reads `cvf.alerts.v1`. One consumer per gateway process,
 * in a group of its own (every instance must see every alert, and only new ones: what a
 * client missed is resent from the alert log), started on the first stream; alerts fan out
 * in-process by company.
 */
@Injectable()
export class KafkaAlertSource implements AlertSource, OnApplicationShutdown {
  private readonly logger = new Logger(KafkaAlertSource.name);
  private readonly listeners = new AlertListeners((error) =>
    this.logger.warn(`alert listener failed: ${String(error)}`),
  );
  private consumer: Consumer | null = null;
  private live: Promise<void> | null = null;

  private readonly topic: string;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_TOPICS) topics: KafkaTopics,
  ) {
    this.topic = topics.alerts;
  }

  /** For tests: a source on another topic. */
  static onTopic(kafka: Kafka, topic: string): KafkaAlertSource {
    return new KafkaAlertSource(kafka, { ...kafkaTopics(), alerts: topic });
  }

  async subscribe(scope: AlertScope, listener: AlertListener): Promise<AlertSubscription> {
    const close = this.listeners.add(scope, listener);
    try {
      await (this.live ??= this.start().catch((error: unknown) => {
        this.live = null;
        throw error;
      }));
    } catch (error) {
      close();
      throw error;
    }
    return { close };
  }

  async onApplicationShutdown(): Promise<void> {
    this.listeners.clear();
    await this.consumer?.disconnect().catch(() => undefined);
  }

  private async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: `cvf-gateway-sse-${randomUUID()}`,
      maxWaitTimeInMs: 100,
    });
    this.consumer = consumer;
    // Live = joined AND fetched once: "latest" offsets are resolved on the first fetch, and an
    // alert published before that would be skipped.
    const live = new Promise<void>((resolve) => {
      consumer.on(consumer.events.GROUP_JOIN, () => {
        const stop = consumer.on(consumer.events.FETCH, () => {
          stop();
          resolve();
        });
      });
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: false });
    await consumer.run({
      eachMessage: ({ message }) => {
        const alert = message.value ? parseAlert(message.value.toString('utf8')) : null;
        if (!alert) {
          this.logger.warn(`ignored a malformed message at offset ${message.offset}`);
          return Promise.resolve();
        }
        this.listeners.dispatch(alert);
        return Promise.resolve();
      },
    });
    await live;
  }
}
