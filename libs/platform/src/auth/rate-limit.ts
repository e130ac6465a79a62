import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { type FastifyReply } from 'fastify';
import { type Redis } from 'ioredis';
import { RateLimitedError } from '../errors';
import { type AuthenticatedRequest } from './auth.guard';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** The one throttler's name (its counters' keys and SkipThrottle's name). */
export const RATE_LIMITER = 'requests';

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
    return Promise.resolve(this.hit(`${throttlerName}:${key}`, ttl, limit));
  }

  /**
   * Counts one hit of `name` and answers with the count: at once from memory, or, for the
   * first hit of a window, once the shared count has come back (the other instances may
   * have used the budget up).
   */
  hit(
    name: string,
    ttl: number,
    limit: number,
  ): ThrottlerStorageRecord | Promise<ThrottlerStorageRecord> {
    const now = Date.now();
    const window = Math.floor(now / ttl);
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
    const counted = count;
    const record = (): ThrottlerStorageRecord => {
      const hits = counted.shared + counted.pending;
      const toWindowEnd = Math.max(1, Math.ceil(((window + 1) * ttl - Date.now()) / 1000));
      const blocked = hits > limit;
      return {
        totalHits: hits,
        timeToExpire: toWindowEnd,
        isBlocked: blocked,
        timeToBlockExpire: blocked ? toWindowEnd : 0,
      };
    };
    // Later hits answer from memory while a sync runs.
    return count.syncedAt === 0 && sync !== null ? sync.then(record) : record();
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
 * One budget per principal across every route, with @nestjs/throttler's module options,
 * storage and SkipThrottle; no route sets a limit of its own (@Throttle is not read).
 * Not the library's ThrottlerGuard: its generic path (six metadata lookups and five awaits a
 * request) cost more than authentication itself on a cached GET; this one answers
 * synchronously from the storage's local count whenever it can.
 */
@Injectable()
export class PrincipalThrottlerGuard implements CanActivate {
  private readonly limit: number;
  private readonly ttl: number;

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    private readonly reflector: Reflector,
  ) {
    const throttlers = Array.isArray(options) ? options : options.throttlers;
    const throttler = throttlers.find((candidate) => candidate.name === RATE_LIMITER);
    if (
      throttler === undefined ||
      typeof throttler.limit !== 'number' ||
      typeof throttler.ttl !== 'number'
    ) {
      throw new Error(`the ${RATE_LIMITER} throttler needs a numeric limit and ttl`);
    }
    this.limit = throttler.limit;
    this.ttl = throttler.ttl;
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    // Health probes are never limited (an orchestrator polls them).
    if (request.url.startsWith('/health/')) return true;
    const skip = this.reflector.getAllAndOverride<boolean | undefined>(SKIP_RATE_LIMIT_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (skip === true) return true;
    const { principal, ip } = request;
    const name = `${RATE_LIMITER}:${principal ? `${principal.kind}:${principal.id}` : `ip:${ip}`}`;
    const limit = this.limit;
    const answer = (record: ThrottlerStorageRecord): boolean => {
      if (record.isBlocked) {
        throw new RateLimitedError(limit, Math.max(1, record.timeToBlockExpire));
      }
      // One field in the IETF draft's combined form (draft-ietf-httpapi-ratelimit-headers-07)
      // rather than three X-RateLimit-* fields: every header costs on every response.
      void http
        .getResponse<FastifyReply>()
        .header(
          'RateLimit',
          `limit=${limit}, remaining=${Math.max(0, limit - record.totalHits)}, reset=${record.timeToExpire}`,
        );
      return true;
    };
    const storage = this.storage;
    const record =
      storage instanceof RedisThrottlerStorage
        ? storage.hit(name, this.ttl, limit)
        : storage.increment(name, this.ttl, limit, this.ttl, RATE_LIMITER);
    return record instanceof Promise ? record.then(answer) : answer(record);
  }
}

/**
 * @nestjs/throttler's THROTTLER_SKIP (its index does not export the constants) for this
 * throttler: the metadata key SkipThrottle({ [RATE_LIMITER]: true }) sets.
 * rate-limit.unit.spec.ts pins it, so an upgrade that renames it fails there.
 */
export const SKIP_RATE_LIMIT_KEY = `THROTTLER:SKIP${RATE_LIMITER}`;
