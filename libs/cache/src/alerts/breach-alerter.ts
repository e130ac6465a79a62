import { type CashflowDocument } from '@cvf/domain';
import { type Redis } from 'ioredis';
import { type CacheKeys } from '../layout';
import { toSortable } from '../position';
import { withCacheScripts } from '../scripts';
import {
  type Alert,
  alertConditions,
  alertContent,
  type AlertPublisher,
  type BreachAlert,
} from './alert';

/** The content read for an id recorded as a plain set member (the layout before contents). */
const UNKNOWN_CONTENT = '';

/**
 * Publishes each alert condition once, and again as an update when what it says changes:
 * "already reported" is a Redis hash per company, alert id → the content published
 * (`alertContent`). The order is publish, then record: a crash in between publishes again
 * on the retry (at-least-once) rather than never. A condition that no longer holds (a
 * waived breach, a cohort uncapped by a refund) leaves the record, so it is raised again
 * if it comes back.
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
    const reportedKey = this.keys.reportedAlerts(companyId);
    const reported = new Map<string, string>();
    const pairs = await this.redis.cvfReadReported(reportedKey);
    for (let i = 0; i + 1 < pairs.length; i += 2) reported.set(pairs[i]!, pairs[i + 1]!);

    const outgoing: BreachAlert[] = [];
    let recordChanged = current.length !== reported.size;
    for (const alert of current) {
      const before = reported.get(alert.alert_id);
      if (before === alertContent(alert)) continue;
      recordChanged = true;
      if (before === undefined) outgoing.push(alert);
      // A record from before contents were kept is adopted as it stands: no update.
      else if (before !== UNKNOWN_CONTENT) outgoing.push({ ...alert, change: 'updated' });
    }
    if (!recordChanged) {
      // Keep the record as long as the results it describes: an expired one would re-alert.
      await this.redis.expire(reportedKey, this.ttlSeconds);
      return [];
    }
    if (outgoing.length > 0) await this.publisher.publish(outgoing);
    await this.redis.cvfUpdateReported(
      reportedKey,
      this.keys.alertsPosition(companyId),
      this.ttlSeconds,
      toSortable(meta.position),
      ...current.flatMap((alert) => [alert.alert_id, alertContent(alert)]),
    );
    return outgoing;
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
