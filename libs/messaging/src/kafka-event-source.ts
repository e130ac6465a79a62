import { type RecordedEvent } from '@cvf/event-store';
import { type Consumer, type Kafka } from 'kafkajs';
import { decodeEvent } from './event-codec';
import { EVENTS_TOPIC } from './topics';

export interface KafkaEventSourceOptions {
  readonly groupId: string;
  readonly topic?: string;
  readonly onError?: (error: unknown) => void;
  /** Told the partitions this instance holds after each rebalance (readiness, tests). */
  readonly onAssignment?: (partitions: readonly number[]) => void;
}

/**
 * `cvf.events.v1` as the projector's event source (distributed mode). kafkajs directly, not
 * the Nest microservices transport: the projector must commit a partition's offset only after
 * the read-model transaction for those messages has committed, which needs manual offset
 * control per batch (`autoCommit: false`, `eachBatch`), and the transport hides both.
 *
 * `from` is ignored: the group's committed offsets say where to resume. Redelivery after a
 * crash or a rebalance is harmless because the projection skips every event at or before the
 * position it has applied for that company (all of a company's events share a partition).
 */
export class KafkaEventSource {
  constructor(
    private readonly kafka: Kafka,
    private readonly options: KafkaEventSourceOptions,
  ) {}

  subscribe(
    _from: unknown,
    handler: (batch: readonly RecordedEvent[]) => Promise<void>,
  ): { stop(): Promise<void>; readonly done: Promise<void> } {
    const consumer: Consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 100,
    });
    const topic = this.options.topic ?? EVENTS_TOPIC;
    let settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
    const done = new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
    });
    consumer.on(consumer.events.CRASH, (event) => {
      this.options.onError?.(event.payload.error);
      // kafkajs restarts the consumer itself after a retriable crash; a final one ends us
      // (the projector subscribes again with a new consumer: this one leaves the group).
      if (!event.payload.restart) {
        settle?.reject(event.payload.error);
        consumer.disconnect().catch(() => undefined);
      }
    });
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const assigned = event.payload.memberAssignment[topic] ?? [];
      this.options.onAssignment?.(assigned);
    });
    const running = (async () => {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async (payload) => {
          const { batch } = payload;
          if (!payload.isRunning() || payload.isStale() || batch.messages.length === 0) return;
          await handler(batch.messages.map(decodeEvent));
          const last = batch.messages.at(-1)!;
          payload.resolveOffset(last.offset);
          await consumer.commitOffsets([
            {
              topic: batch.topic,
              partition: batch.partition,
              offset: (BigInt(last.offset) + 1n).toString(),
            },
          ]);
          await payload.heartbeat();
        },
      });
    })();
    running.catch((error: unknown) => settle?.reject(error));
    let stopping: Promise<void> | null = null;
    return {
      stop: () =>
        (stopping ??= (async () => {
          await running.catch(() => undefined);
          await consumer.disconnect();
          settle?.resolve();
        })()),
      done,
    };
  }
}
