import { type PublishedAlert } from '@cvf/cache';
import { type AlertScope } from './alert-listeners';

/**
 * Where the gateway hears alerts from live: Redis pub/sub (`cvf:alerts`, all-in-one) or a
 * Kafka consumer of `cvf.alerts.v1` (distributed mode), each an adapter bound to
 * ALERT_SOURCE. Owned here, by the code that needs it. Delivery is at-least-once and, across
 * companies, not necessarily in publication order: the breach stream takes a live alert as
 * the nudge to read the alert log (alert-feed.ts), which orders them.
 */
export interface AlertSource {
  /**
   * Delivers the company's alerts (every company's, for EVERY_COMPANY) to `listener` until
   * the subscription is closed. Resolves once the subscription is live: an alert published
   * after that is delivered.
   */
  subscribe(
    scope: AlertScope,
    listener: (alert: PublishedAlert) => void,
  ): Promise<AlertSubscription>;
}

export interface AlertSubscription {
  close(): void;
}

export const ALERT_SOURCE = Symbol.for('cvf.gateway.AlertSource');
