import { type Alert, ALERT_TYPES, type AlertType } from '@cvf/cache';
import { type AlertScope } from './alert-listeners';

/**
 * Where the gateway hears alerts from: Redis pub/sub (`cvf:alerts`) today; a Kafka consumer
 * of `cvf.alerts.v1` can take its place by binding another adapter to ALERT_SOURCE. Owned
 * here, by the code that needs it. Delivery is at-least-once: listeners dedupe on alert_id
 * if they must (SSE clients do, through the event id).
 */
export interface AlertSource {
  /**
   * Delivers the company's alerts (every company's, for EVERY_COMPANY) to `listener` until
   * the subscription is closed. Resolves once the subscription is live: an alert published
   * after that is delivered.
   */
  subscribe(scope: AlertScope, listener: (alert: Alert) => void): Promise<AlertSubscription>;
}

export interface AlertSubscription {
  close(): void;
}

export const ALERT_SOURCE = Symbol.for('cvf.gateway.AlertSource');

/** A message off the wire as an Alert, or null when it is not one (never trusted blindly). */
export function parseAlert(message: string): Alert | null {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const alert = value as Partial<Record<keyof Alert, unknown>>;
  const isText = (v: unknown) => typeof v === 'string' && v.length > 0;
  if (
    !isText(alert.alert_id) ||
    !isText(alert.company_id) ||
    !ALERT_TYPES.includes(alert.type as AlertType)
  ) {
    return null;
  }
  return value as Alert;
}
