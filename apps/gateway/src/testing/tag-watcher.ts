import { CacheKeys, toSortable } from '@cvf/cache';
import { type Redis } from 'ioredis';

interface Waiter {
  readonly target: string;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

/**
 * Resolves each waiter once a company's actual rollup is tagged at or past its position:
 * one GETRANGE of the 40-byte tag every 2 ms however many writes wait (what the gateway's
 * min_position wait polls, without pulling the document each time).
 *
 * It polls while anyone waits, so a position never reached would keep a process alive: give
 * the wait a timeout, or `close()` the watcher when done (it rejects whatever still waits).
 */
export class TagWatcher {
  private readonly waiting = new Set<Waiter>();
  private readonly key: string;
  private running = false;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    companyId: string,
  ) {
    this.key = new CacheKeys(prefix).rollup(companyId, 'actual');
  }

  /** Resolves once the tag is at or past `position`; rejects after `timeoutMs` if one is
   * given, or when the watcher is closed first. */
  reached(position: string, timeoutMs?: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error('TagWatcher: closed'));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { target: toSortable(position), resolve, reject };
      if (timeoutMs !== undefined) {
        const late = new Error(`TagWatcher: ${position} not tagged within ${timeoutMs} ms`);
        waiter.timer = setTimeout(() => this.settle(waiter, late), timeoutMs);
      }
      this.waiting.add(waiter);
      if (!this.running) void this.poll();
    });
  }

  /** Stops polling: every pending wait rejects, and so does every later one. */
  close(): void {
    this.closed = true;
    const closed = new Error('TagWatcher: closed before the position was tagged');
    for (const waiter of this.waiting) this.settle(waiter, closed);
  }

  private settle(waiter: Waiter, error?: Error): void {
    if (!this.waiting.delete(waiter)) return;
    clearTimeout(waiter.timer);
    if (error) waiter.reject(error);
    else waiter.resolve();
  }

  private async poll(): Promise<void> {
    this.running = true;
    while (this.waiting.size > 0) {
      // A failed look is simply retried: the waiters' own deadlines bound the wait.
      const tag = await this.redis.getrange(this.key, 0, 39).catch(() => '');
      for (const waiter of this.waiting) {
        if (tag !== '' && tag >= waiter.target) this.settle(waiter);
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    this.running = false;
  }
}
