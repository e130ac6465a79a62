import { type ExecutionContext, Injectable } from '@nestjs/common';
import {
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { type Redis } from 'ioredis';
import { RateLimitedError } from '../errors';
import { type AuthenticatedRequest } from './auth.guard';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** The one window: a minute (RATE_LIMIT_PER_MINUTE). */
export const RATE_WINDOW_MS = 60_000;

/** How long an instance counts on its own before it adds its hits to the shared count. */
export const RATE_SYNC_MS = 200;

interface WindowCount {
  /** Fixed window index (time ÷ window length). */
  readonly window: number;
  /** Every instance's hits in the window as of the last sync, this instance's included. */
  shared: number;
  /** This instance's hits since then. */
  pending: number;
  syncedAt: number;
  syncing: Promise<void> | null;
}

/**
 * @nestjs/throttler's storage on Redis (ioredis), with keys under `prefix`: the count of a
 * principal's requests in a fixed window, shared by every instance. A Redis round trip per
 * request would cost more than the request it guards (a cached GET answers in well under a
 * millisecond), so each instance counts locally and adds its hits to the shared count
 * (INCRBY) at the first hit of a window, every RATE_SYNC_MS, or after a twentieth of the
 * limit; every sync brings back the others' hits. A request is refused once the shared
 * count plus the local one passes the limit: exact on one instance, and across instances
 * behind by at most one sync of the others' traffic.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly counts = new Map<string, WindowCount>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly syncMs: number = RATE_SYNC_MS,
  ) {}

  increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const now = Date.now();
    const window = Math.floor(now / ttl);
    const name = `${throttlerName}:${key}`;
    let count = this.counts.get(name);
    if (count === undefined || count.window !== window) {
      if (this.counts.size > 100_000) this.dropOldWindows(window);
      count = { window, shared: 0, pending: 0, syncedAt: 0, syncing: null };
      this.counts.set(name, count);
    }
    count.pending += 1;
    const due =
      count.syncedAt === 0 ||
      now - count.syncedAt >= this.syncMs ||
      count.pending >= Math.max(1, Math.floor(limit / 20));
    const sync = due && count.syncing === null ? this.sync(name, count, ttl) : null;
    const record = () => {
      const hits = count.shared + count.pending;
      const toWindowEnd = Math.max(1, Math.ceil(((window + 1) * ttl - Date.now()) / 1000));
      const blocked = hits > limit;
      return {
        totalHits: hits,
        timeToExpire: toWindowEnd,
        isBlocked: blocked,
        timeToBlockExpire: blocked ? toWindowEnd : 0,
      };
    };
    // The first hit of a window waits for the shared count (the others may have used the
    // budget up); later ones answer from memory while a sync runs.
    return count.syncedAt === 0 && sync !== null ? sync.then(record) : Promise.resolve(record());
  }

  private sync(name: string, count: WindowCount, ttl: number): Promise<void> {
    const hits = count.pending;
    const key = `${this.prefix}:${name}:${count.window}`;
    const syncing = this.redis
      .multi()
      .incrby(key, hits)
      .pexpire(key, ttl * 2)
      .exec()
      .then((results) => {
        const shared = Number(results?.[0]?.[1] ?? NaN);
        if (Number.isFinite(shared)) {
          count.shared = shared;
          count.pending -= hits;
        }
        count.syncedAt = Date.now();
      })
      // Redis away: keep counting locally (the limit still holds per instance) and retry at
      // the next sync.
      .catch(() => void (count.syncedAt = Date.now()))
      .finally(() => (count.syncing = null));
    count.syncing = syncing;
    return syncing;
  }

  private dropOldWindows(current: number): void {
    for (const [name, count] of this.counts) if (count.window < current) this.counts.delete(name);
  }
}

/**
 * Limits per principal (the API key or JWT subject the AuthGuard verified), so one noisy
 * client cannot starve the others; unauthenticated requests (webhooks) are limited per IP.
 */
@Injectable()
export class PrincipalThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const { principal, ip } = request as unknown as AuthenticatedRequest;
    return Promise.resolve(principal ? `${principal.kind}:${principal.id}` : `ip:${ip}`);
  }

  /** One budget per principal across every route (the default would give one per route). */
  protected override generateKey(
    _context: ExecutionContext,
    tracker: string,
    name: string,
  ): string {
    return `${name}:${tracker}`;
  }

  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    return Promise.resolve(request.url.startsWith('/health/'));
  }

  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const retryAfter = Math.max(
      1,
      detail.isBlocked ? detail.timeToBlockExpire : detail.timeToExpire,
    );
    throw new RateLimitedError(detail.limit, retryAfter);
  }
}
