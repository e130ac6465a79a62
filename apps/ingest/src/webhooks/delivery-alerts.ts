import { type AlertPublisher, deliveryRejectedAlertId } from '@cvf/cache';

/**
 * Where a rejected delivery is announced: the alerts channel operations watch (Redis pub/sub
 * in the all-in-one process, Kafka's alerts topic in distributed mode), beside breaches.
 * Optional: without one the rejection is still logged and kept in the delivery log.
 */
export interface RejectedDelivery {
  readonly companyId: string;
  readonly provider: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly reason: string;
  readonly paymentId: string | null;
}

export interface DeliveryAlerts {
  rejected(delivery: RejectedDelivery): Promise<void>;
}

export const DELIVERY_ALERTS = Symbol.for('cvf.ingest.DeliveryAlerts');

/** DeliveryAlerts on the process's AlertPublisher: the channel breach alerts take. */
export class PublishedDeliveryAlerts implements DeliveryAlerts {
  constructor(private readonly publisher: AlertPublisher) {}

  rejected(delivery: RejectedDelivery): Promise<void> {
    return this.publisher.publish([
      {
        alert_id: deliveryRejectedAlertId(delivery.companyId, delivery.provider, delivery.eventId),
        type: 'DeliveryRejected',
        company_id: delivery.companyId,
        provider: delivery.provider,
        event_id: delivery.eventId,
        event_type: delivery.eventType,
        reason: delivery.reason,
        payment_id: delivery.paymentId,
        detected_at: new Date().toISOString(),
      },
    ]);
  }
}
