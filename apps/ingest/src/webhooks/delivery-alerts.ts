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
