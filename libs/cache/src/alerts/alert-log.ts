import { type Redis } from 'ioredis';
import { type Clock } from '../clock';
import { type CacheKeys } from '../layout';
import { type Alert, type AlertPublisher, parseAlert } from './alert';
import { type AlertLogId, LOG_START } from './alert-log-id';

/** An alert read back from the log, with its id there. */
export type RetainedAlert = Alert & { readonly log_id: AlertLogId };

/**
 * How much of the log is kept: every alert of the last 7 days (the stream is trimmed by
 * MINID, exactly, on each append), but never more than about 100,000 of them (MAXLEN ~: a
 * memory bound under `noeviction`, ~40 MB at the alerts' size, reached only by a burst no
 * portfolio of ours produces). The key expires 7 days after the last append.
 */
export interface AlertLogBounds {
  readonly retentionMs: number;
  readonly maxEntries: number;
}

export const ALERT_LOG_BOUNDS: AlertLogBounds = {
  retentionMs: 7 * 24 * 3_600_000,
  maxEntries: 100_000,
};

const ALERT_FIELD = 'alert';

/**
 * The retained alert log: every published alert of every company, in publication order, in
 * ONE Redis stream (`<p>:alerts:log`). Written where alerts are published (in both modes:
 * the worker and the all-in-one process reach this Redis whatever carries alerts live), read
 * by the gateway to resend what a breach stream client missed. One stream for all companies:
 * its ids order every alert, and a company's stream filters as it reads.
 */
export class AlertLog {
  constructor(
    private readonly redis: Redis,
    readonly key: string,
    private readonly clock: Clock,
    private readonly bounds: AlertLogBounds = ALERT_LOG_BOUNDS,
  ) {}

  /** Appends the alerts in order (one transaction, trimmed to the bounds). */
  async append(alerts: readonly Alert[]): Promise<RetainedAlert[]> {
    if (alerts.length === 0) return [];
    const oldest = Math.max(0, this.clock.now().getTime() - this.bounds.retentionMs);
    const transaction = this.redis.multi();
    for (const alert of alerts) {
      transaction.xadd(this.key, 'MINID', String(oldest), '*', ALERT_FIELD, JSON.stringify(alert));
    }
    transaction.xtrim(this.key, 'MAXLEN', '~', this.bounds.maxEntries);
    transaction.pexpire(this.key, this.bounds.retentionMs);
    const replies = await transaction.exec();
    if (!replies) throw new Error(`appending to ${this.key} was aborted`);
    for (const [error] of replies) if (error) throw error;
    return alerts.map((alert, i) => ({ ...alert, log_id: String(replies[i]![1]) }));
  }

  /** The id of the newest alert, or LOG_START when none is kept. */
  async newest(): Promise<AlertLogId> {
    const [entry] = await this.redis.xrevrange(this.key, '+', '-', 'COUNT', 1);
    return entry?.[0] ?? LOG_START;
  }

  /**
   * Up to `count` alerts after `after`, oldest first, and the id of the last entry read
   * (null when there was none): the cursor of the next page.
   */
  async readAfter(
    after: AlertLogId,
    count: number,
  ): Promise<{ readonly alerts: RetainedAlert[]; readonly last: AlertLogId | null }> {
    const entries = await this.redis.xrange(this.key, `(${after}`, '+', 'COUNT', count);
    const alerts: RetainedAlert[] = [];
    for (const [id, fields] of entries) {
      const at = fields.indexOf(ALERT_FIELD);
      const text = at < 0 ? undefined : fields[at + 1];
      const alert = text === undefined ? null : parseAlert(text);
      if (alert) alerts.push({ ...alert, log_id: id });
    }
    return { alerts, last: entries.at(-1)?.[0] ?? null };
  }
}

/** The alert log under `keys`' prefix: the one every process of a deployment shares. */
export const alertLogOf = (redis: Redis, keys: CacheKeys, clock: Clock): AlertLog =>
  new AlertLog(redis, keys.alertLog(), clock);

/**
 * Retains every alert before it goes out: appended to the log, then handed with its
 * `log_id` to the transport (Redis pub/sub or Kafka). So a gateway that hears a live alert
 * finds it, and everything before it, in the log. A crash in between leaves the alert in
 * the log and unsent: the job's retry appends and sends it again (at-least-once).
 */
export class RetainingAlertPublisher implements AlertPublisher {
  constructor(
    private readonly log: AlertLog,
    private readonly transport: AlertPublisher,
  ) {}

  async publish(alerts: readonly Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    await this.transport.publish(await this.log.append(alerts));
  }
}
