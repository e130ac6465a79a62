import { type Redis } from 'ioredis';
import {
  type CohortEntry,
  type StoredCohortEntry,
  type StoredMetrics,
  type StoredRollup,
} from './documents';
import { type CacheKeys, type ViewKey } from './layout';
import { toSortable } from './position';
import { withCacheScripts } from './scripts';

/**
 * Reads and position-guarded writes of the computed results (layout.ts). A write tagged with
 * an older position than the stored value is refused by the Lua guard, so an at-least-once
 * job or a slow gateway fill can never replace a newer result with an older one.
 */
export class CohortCache {
  private readonly redis: Redis;

  constructor(
    redis: Redis,
    readonly keys: CacheKeys,
    private readonly ttlSeconds: number,
  ) {
    this.redis = withCacheScripts(redis);
  }

  /** Writes cohort entries of one view; returns the months actually written (not stale). */
  async writeEntries(
    companyId: string,
    view: ViewKey,
    meta: { position: string; computedAt: string },
    entries: ReadonlyMap<string, CohortEntry>,
  ): Promise<string[]> {
    if (entries.size === 0) return [];
    const sortable = toSortable(meta.position);
    const months = [...entries.keys()];
    const fieldValues = months.flatMap((month) => {
      const stored: StoredCohortEntry = {
        position: meta.position,
        computed_at: meta.computedAt,
        entry: entries.get(month)!,
      };
      return [month, tagged(sortable, stored)];
    });
    const flags = await this.redis.cvfHashPutIfNewer(
      this.keys.cohorts(companyId, view),
      this.ttlSeconds,
      ...fieldValues,
    );
    return months.filter((_, i) => flags[i] === 1);
  }

  /** Cached entries of one view by cohort month (`YYYY-MM-01`): the given months, or all. */
  async readEntries(
    companyId: string,
    view: ViewKey,
    months?: readonly string[],
  ): Promise<Map<string, StoredCohortEntry>> {
    const key = this.keys.cohorts(companyId, view);
    const entries = new Map<string, StoredCohortEntry>();
    if (months === undefined) {
      for (const [month, value] of Object.entries(await this.redis.hgetall(key))) {
        entries.set(month, untagged<StoredCohortEntry>(value));
      }
      return entries;
    }
    if (months.length === 0) return entries;
    const values = await this.redis.hmget(key, ...months);
    values.forEach((value, i) => {
      if (value !== null) entries.set(months[i]!, untagged<StoredCohortEntry>(value));
    });
    return entries;
  }

  /** true when written; false when a newer rollup is already stored. */
  async writeRollup(companyId: string, view: ViewKey, rollup: StoredRollup): Promise<boolean> {
    return this.put(this.keys.rollup(companyId, view), rollup);
  }

  async readRollup(companyId: string, view: ViewKey): Promise<StoredRollup | null> {
    return this.get<StoredRollup>(this.keys.rollup(companyId, view));
  }

  async writeMetrics(companyId: string, metrics: StoredMetrics): Promise<boolean> {
    return this.put(this.keys.metrics(companyId), metrics);
  }

  async readMetrics(companyId: string): Promise<StoredMetrics | null> {
    return this.get<StoredMetrics>(this.keys.metrics(companyId));
  }

  private async put(key: string, value: { readonly position: string }): Promise<boolean> {
    const tag = toSortable(value.position);
    return (await this.redis.cvfPutIfNewer(key, this.ttlSeconds, tagged(tag, value))) === 1;
  }

  private async get<T>(key: string): Promise<T | null> {
    const value = await this.redis.get(key);
    return value === null ? null : untagged<T>(value);
  }
}

// `<pos40>|<json>`: the guard reads the first 40 characters, readers skip 41.
const TAG_LENGTH = 41;

function tagged(sortable: string, value: unknown): string {
  return `${sortable}|${JSON.stringify(value)}`;
}

function untagged<T>(value: string): T {
  return JSON.parse(value.slice(TAG_LENGTH)) as T;
}
