import {
  type AlertLog,
  type AlertLogId,
  compareAlertLogIds,
  LOG_START,
  type PublishedAlert,
} from '@cvf/cache';
import { type AlertScope, EVERY_COMPANY } from './alert-listeners';
import { type SseStream } from './sse-stream';

/** Alerts read from the log per request: a page, then the client is let read it. */
const PAGE_SIZE = 200;

export type AlertLogReader = Pick<AlertLog, 'newest' | 'readAfter'>;

/**
 * What one breach stream sends, in the alert log's order, each alert once: the alerts after
 * the client's Last-Event-ID, then live ones. Live alerts (pub/sub or Kafka) are only the
 * nudge: on one the feed reads the log from where it stands, so an alert is never sent
 * before one logged earlier, even when the transport delivers them out of order (Kafka's
 * partitions, concurrent workers), and a client resuming after an id misses nothing before
 * it. An alert published without a log id (never retained) is sent as it came, without one.
 *
 * Live alerts may arrive before the stream opens (the subscription is made first, so that
 * none is missed): they wait, and are handled after the resend. After each step the feed
 * sends the log id it stands at (an `id:` alone), so a reconnect skips what this stream
 * had no business with. If the log cannot be read the stream ends: the client reconnects
 * with its Last-Event-ID and resumes exactly.
 */
export class AlertFeed {
  /** Every log entry up to here is handled (sent when in scope). Null until opened. */
  private cursor: AlertLogId | null = null;
  /** The last id the client was sent. */
  private told: AlertLogId | null = null;
  private stream: SseStream | null = null;
  private work: Promise<void>;
  private release: () => void = () => undefined;

  constructor(
    private readonly log: AlertLogReader,
    private readonly scope: AlertScope,
    private readonly onFailure: (error: unknown) => void,
  ) {
    this.work = new Promise<void>((resolve) => (this.release = resolve));
  }

  /** The subscription's listener. */
  readonly live = (alert: PublishedAlert): void => {
    this.work = this.work.then(() => this.step(() => this.onLive(alert)));
  };

  /** Sends the alerts after `after` (none when null: live only), then the live ones. */
  open(stream: SseStream, after: AlertLogId | null): void {
    this.stream = stream;
    void this.step(() => this.resend(stream, after)).then(this.release);
  }

  private async step(action: () => Promise<void>): Promise<void> {
    const stream = this.stream;
    if (!stream || stream.isClosed) return;
    try {
      await action();
      if (this.cursor !== null && this.cursor !== this.told && !stream.isClosed) {
        stream.id(this.cursor);
        this.told = this.cursor;
      }
    } catch (error) {
      this.onFailure(error);
      stream.comment('the alert log could not be read: reconnect to resume');
      stream.close();
    }
  }

  private async resend(stream: SseStream, after: AlertLogId | null): Promise<void> {
    const newest = await this.log.newest();
    if (after === null) {
      this.cursor = newest;
      return;
    }
    if (compareAlertLogIds(after, newest) > 0) {
      // Not an id of this log (flushed since, or another deployment's): resend what is kept.
      stream.comment(`${after} is not in the alert log: resending every alert it keeps`);
      this.cursor = LOG_START;
    } else {
      stream.comment(`resending the alerts after ${after}`);
      this.cursor = after;
    }
    this.told = after;
    await this.catchUp(stream);
  }

  private async onLive(alert: PublishedAlert): Promise<void> {
    const stream = this.stream!;
    const logId = alert.log_id;
    if (logId === undefined) {
      stream.event({ event: alert.type, data: alert });
      return;
    }
    if (compareAlertLogIds(logId, this.cursor!) <= 0) return; // sent, or before the start
    await this.catchUp(stream);
    if (compareAlertLogIds(logId, this.cursor!) > 0) {
      // In no log entry (the log was flushed after it was published): as it came.
      this.send(stream, alert, logId);
      this.cursor = logId;
    }
  }

  /** Sends every alert of the scope logged after the cursor, a page at a time. */
  private async catchUp(stream: SseStream): Promise<void> {
    for (;;) {
      const page = await this.log.readAfter(this.cursor!, PAGE_SIZE);
      if (page.last === null || stream.isClosed) return;
      for (const alert of page.alerts) {
        if (this.scope === EVERY_COMPANY || alert.company_id === this.scope) {
          this.send(stream, alert, alert.log_id);
        }
      }
      this.cursor = page.last;
      await stream.drained();
    }
  }

  private send(stream: SseStream, alert: PublishedAlert, logId: AlertLogId): void {
    stream.event({ id: logId, event: alert.type, data: alert });
    this.told = logId;
  }
}
