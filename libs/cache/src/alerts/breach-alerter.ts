import { type CashflowDocument } from '@cvf/domain';
import { type Redis } from 'ioredis';
import { type CacheKeys } from '../layout';
import { toSortable } from '../position';
import { withCacheScripts } from '../scripts';
import { type Alert, alertConditions, type AlertPublisher } from './alert';

/**
 * Publishes each alert condition once: "already reported" is a Redis set of alert ids per
 * company. The order is publish, then record: a crash in between publishes again on the
 * retry (at-least-once; consumers dedupe by alert_id) rather than never. A condition that
 * no longer holds (a waived breach, a cohort uncapped by a refund) leaves the set, so it
 * alerts again if it comes back.
 */
export class BreachAlerter {
  private readonly redis: Redis;

  constructor(
    redis: Redis,
    private readonly keys: CacheKeys,
    private readonly ttlSeconds: number,
    private readonly publisher: AlertPublisher,
  ) {
    this.redis = withCacheScripts(redis);
  }

  /** Call after the actual rollup was written; returns the alerts published. */
  async report(
    companyId: string,
    actual: CashflowDocument,
    meta: { readonly position: string; readonly detectedAt: string },
  ): Promise<readonly Alert[]> {
    const current = alertConditions(companyId, actual, meta);
    const currentIds = new Set(current.map((alert) => alert.alert_id));
    const reported = new Set(await this.redis.smembers(this.keys.reportedAlerts(companyId)));
    const fresh = current.filter((alert) => !reported.has(alert.alert_id));
    const gone = [...reported].filter((id) => !currentIds.has(id));
    if (fresh.length === 0 && gone.length === 0) {
      // Keep the record as long as the results it describes: an expired set would re-alert.
      await this.redis.expire(this.keys.reportedAlerts(companyId), this.ttlSeconds);
      return [];
    }
    if (fresh.length > 0) await this.publisher.publish(fresh);
    await this.redis.cvfUpdateReported(
      this.keys.reportedAlerts(companyId),
      this.keys.alertsPosition(companyId),
      this.ttlSeconds,
      toSortable(meta.position),
      fresh.length,
      ...fresh.map((alert) => alert.alert_id),
      ...gone,
    );
    return fresh;
  }
}

/** Redis pub/sub adapter: one JSON message per alert on the channel (default `cvf:alerts`). */
export class RedisAlertPublisher implements AlertPublisher {
  constructor(
    private readonly redis: Redis,
    readonly channel: string,
  ) {}

  async publish(alerts: readonly Alert[]): Promise<void> {
    await Promise.all(
      alerts.map((alert) => this.redis.publish(this.channel, JSON.stringify(alert))),
    );
  }
}
