import { CacheKeys, toSortable } from '@cvf/cache';
import { type Redis } from 'ioredis';

/**
 * Resolves each waiter once a company's actual rollup is tagged at or past its position:
 * one GETRANGE of the 40-byte tag every 2 ms however many writes wait (what the gateway's
 * min_position wait polls, without pulling the document each time).
 */
export class TagWatcher {
  private readonly waiting = new Set<{ target: string; resolve: () => void }>();
  private readonly key: string;
  private running = false;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    companyId: string,
  ) {
    this.key = new CacheKeys(prefix).rollup(companyId, 'actual');
  }

  reached(position: string): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.add({ target: toSortable(position), resolve });
      if (!this.running) void this.poll();
    });
  }

  private async poll(): Promise<void> {
    this.running = true;
    while (this.waiting.size > 0) {
      // A failed look is simply retried: the waiters' own deadlines bound the wait.
      const tag = await this.redis.getrange(this.key, 0, 39).catch(() => '');
      for (const waiter of this.waiting) {
        if (tag !== '' && tag >= waiter.target) {
          this.waiting.delete(waiter);
          waiter.resolve();
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    this.running = false;
  }
}
