import { type ClientKafka } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { ALERTS_TOPIC } from './topics';

/** The alert shape libs/cache publishes (kept structural: messaging does not depend on cache). */
export interface AlertMessage {
  readonly alert_id: string;
  readonly type: string;
  readonly company_id: string;
}

/**
 * Publishes ThresholdBreached / CohortCapped alerts to `cvf.alerts.v1`, keyed by company id,
 * through the NestJS microservices Kafka transport: publishing events is what `ClientKafka`
 * is for (producer-only mode, idempotent producer, acks all). The relay and the projector's
 * consumer use kafkajs directly instead: they need a checkpoint saved only after the broker's
 * ack, and offsets committed only after the read-model transaction, which the transport hides.
 *
 * Delivery is at-least-once (the worker publishes before it records an alert as reported;
 * a failed send fails the job, which BullMQ retries); consumers dedupe by `alert_id`, which
 * is deterministic per (company, cohort, period).
 */
export class KafkaAlertPublisher {
  constructor(
    private readonly client: Pick<ClientKafka, 'emitBatch'>,
    private readonly topic = ALERTS_TOPIC,
  ) {}

  async publish(alerts: readonly AlertMessage[]): Promise<void> {
    if (alerts.length === 0) return;
    await lastValueFrom(
      this.client.emitBatch(this.topic, {
        messages: alerts.map((alert) => ({
          key: alert.company_id,
          value: JSON.stringify(alert),
          headers: { 'alert-id': alert.alert_id, 'alert-type': alert.type },
        })),
      }),
      { defaultValue: undefined },
    );
  }
}
