import { type Producer } from 'kafkajs';
import { ALERTS_TOPIC } from './topics';

/** The alert shape libs/cache publishes (kept structural: messaging does not depend on cache). */
export interface AlertMessage {
  readonly alert_id: string;
  readonly type: string;
  readonly company_id: string;
}

/**
 * Publishes ThresholdBreached / CohortCapped alerts to `cvf.alerts.v1`, keyed by company id.
 * Delivery is at-least-once (the worker publishes before it records an alert as reported);
 * consumers dedupe by `alert_id`, which is deterministic per (company, cohort, period).
 */
export class KafkaAlertPublisher {
  constructor(
    private readonly producer: Producer,
    private readonly topic = ALERTS_TOPIC,
  ) {}

  async publish(alerts: readonly AlertMessage[]): Promise<void> {
    if (alerts.length === 0) return;
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: alerts.map((alert) => ({
        key: alert.company_id,
        value: JSON.stringify(alert),
        headers: { 'alert-id': alert.alert_id, 'alert-type': alert.type },
      })),
    });
  }
}
