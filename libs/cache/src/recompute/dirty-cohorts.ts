import { type Redis } from 'ioredis';
import { ALL_COHORTS, type CacheKeys } from '../layout';
import { fromSortable, toSortable } from '../position';
import { withCacheScripts } from '../scripts';

export interface DirtySnapshot {
  /** Members as stored (`YYYY-MM-01` months, possibly `all`) → sortable position. */
  readonly members: ReadonlyMap<string, string>;
  /** `encodePosition` of the furthest position among the members; null when empty. */
  readonly scheduledPosition: string | null;
}

/**
 * The cohorts awaiting recompute, per company, in Redis rather than in job data: BullMQ keeps
 * at most one pending job per company (deduplication), so the job only says "company X" and
 * the worker takes whatever has accumulated.
 *
 * A hash rather than a plain set: each member carries the furthest position that dirtied it.
 * The worker removes a member only if that position is still the one it read at job start.
 * With a set, a cohort dirtied again while its job runs (SADD of an existing member is a
 * no-op) would be removed by the job's SREM although the job may have read its totals
 * before the change, and the follow-up job would find nothing to do.
 * Removing only after processing means a crash mid-job leaves the members for the retry.
 */
export class DirtyCohorts {
  private readonly redis: Redis;

  constructor(
    redis: Redis,
    private readonly keys: CacheKeys,
    private readonly ttlSeconds: number,
  ) {
    this.redis = withCacheScripts(redis);
  }

  /** Adds the months (`YYYY-MM-01`, or `all`), each keeping the furthest position (Lua max). */
  async mark(
    companyId: string,
    months: readonly string[] | 'all',
    position: string,
  ): Promise<void> {
    const members = months === 'all' ? [ALL_COHORTS] : [...months];
    if (members.length === 0) return;
    await this.redis.cvfMarkDirty(
      this.keys.dirty(companyId),
      this.ttlSeconds,
      toSortable(position),
      ...members,
    );
  }

  /** The members and their positions at one instant, read at job start. */
  async snapshot(companyId: string): Promise<DirtySnapshot> {
    const fields = await this.redis.hgetall(this.keys.dirty(companyId));
    const members = new Map(Object.entries(fields));
    let furthest: string | null = null;
    for (const sortable of members.values()) {
      if (furthest === null || sortable > furthest) furthest = sortable;
    }
    return { members, scheduledPosition: furthest === null ? null : fromSortable(furthest) };
  }

  /** Removes the processed members unless dirtied again since the snapshot. */
  async clear(companyId: string, processed: ReadonlyMap<string, string>): Promise<number> {
    if (processed.size === 0) return 0;
    return this.redis.cvfClearDirty(this.keys.dirty(companyId), ...[...processed].flat());
  }
}
