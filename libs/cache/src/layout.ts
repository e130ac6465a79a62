import {
  type CashflowView,
  DEFAULT_HORIZON,
  type PredictionAssumptions,
  type Scenario,
} from '@cvf/domain';

/**
 * The Redis layout of computed results. Redis holds nothing that cannot be recomputed from
 * the read models: every key below may be flushed at any time. (The alert log is the one
 * record of which alerts went out when; flushed, a breach stream client that reconnects is
 * resent what is left, nothing, and carries on live.)
 *
 * `<p>` is the configured prefix (default `cvf`), `<C>` a company id, `<V>` a view key:
 * `actual`, `predicted:WORST`, `predicted:AVERAGE`, `predicted:BEST` (a predicted view exists
 * for each scenario the company has assumptions for; horizon 36). `{<C>}` is a cluster hash
 * tag: one company's keys share a slot, so each Lua script touches a single slot.
 *
 * | key                          | type   | content                                              |
 * | ---------------------------- | ------ | ---------------------------------------------------- |
 * | `<p>:cache:{<C>}:cohorts:<V>`| hash   | field `YYYY-MM-01` → `<pos40>\|` + JSON CohortEntry |
 * | `<p>:cache:{<C>}:rollup:<V>` | string | `<pos40>\|` + JSON StoredRollup (CashflowDocument)   |
 * | `<p>:cache:{<C>}:metrics`    | string | `<pos40>\|` + JSON StoredMetrics                     |
 * | `<p>:dirty:{<C>}`            | hash   | `YYYY-MM-01` or `all` → `<pos40>` that dirtied it    |
 * | `<p>:alerts:{<C>}:reported`  | hash   | alert id → content published (`alertContent`)       |
 * | `<p>:alerts:{<C>}:position`  | string | `<pos40>` of the last reported-alerts update         |
 * | `<p>:alerts:log`             | stream | every alert published, field `alert` → JSON (7 days) |
 *
 * The reported alerts were a set of ids before contents were kept; such a set is read as
 * ids of unknown content and replaced by the hash on the next change (scripts.ts). The alert
 * log is one stream for every company (no hash tag): its ids order all alerts (alert-log.ts).
 *
 * `<pos40>` is the log position (transaction id, global position: two unsigned 64-bit
 * integers) as two zero-padded 20-digit numbers: fixed width, so Lua compares positions as
 * strings and never as numbers (a Lua number is a double and loses digits past 2^53).
 *
 * Every write is tagged with the read model's position, and the guard scripts refuse to
 * replace a value whose tag is newer (equal replaces: see scripts.ts). Every key carries a
 * TTL (default 7 days), refreshed on write: BullMQ shares this Redis under
 * `maxmemory-policy noeviction`, so the cache must stay bounded on its own.
 * BullMQ's own keys live under its queue prefix (`bull:<queue>:…`), outside this layout.
 */
/**
 * Bytes of `<pos40>`, the tag every cached value starts with (then `|` and the JSON): what
 * the guard scripts compare and what a reader fetches alone (GETRANGE 0 39) to learn the
 * position of a value without pulling it. Read it through CachedResultsReader.
 */
export const POSITION_TAG_LENGTH = 40;

export class CacheKeys {
  constructor(readonly prefix: string) {
    if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(prefix)) {
      throw new RangeError(`cache prefix '${prefix}' must be 1-64 of A-Z a-z 0-9 _ . : -`);
    }
  }

  cohorts(companyId: string, view: ViewKey): string {
    return `${this.prefix}:cache:{${companyId}}:cohorts:${view}`;
  }
  rollup(companyId: string, view: ViewKey): string {
    return `${this.prefix}:cache:{${companyId}}:rollup:${view}`;
  }
  metrics(companyId: string): string {
    return `${this.prefix}:cache:{${companyId}}:metrics`;
  }
  dirty(companyId: string): string {
    return `${this.prefix}:dirty:{${companyId}}`;
  }
  reportedAlerts(companyId: string): string {
    return `${this.prefix}:alerts:{${companyId}}:reported`;
  }
  alertsPosition(companyId: string): string {
    return `${this.prefix}:alerts:{${companyId}}:position`;
  }
  /** The retained alert log of every company (alert-log.ts). */
  alertLog(): string {
    return `${this.prefix}:alerts:log`;
  }
  /** Every cache key of a company (not its dirty cohorts): what a flush in tests removes. */
  cachePattern(companyId: string): string {
    return `${this.prefix}:cache:{${companyId}}:*`;
  }
}

/** The dirty member that stands for "every cohort of the company". */
export const ALL_COHORTS = 'all';

export type ViewKey = 'actual' | `predicted:${Scenario}`;

export interface NamedView {
  readonly key: ViewKey;
  readonly view: CashflowView;
}

const ACTUAL: NamedView = { key: 'actual', view: { kind: 'actual' } };

/** The views a company has: actual, plus one predicted view per scenario with assumptions. */
export function companyViews(
  assumptions: ReadonlyMap<Scenario, PredictionAssumptions>,
  horizon: number = DEFAULT_HORIZON,
): NamedView[] {
  const predicted = [...assumptions.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([scenario, values]): NamedView => ({
      key: `predicted:${scenario}`,
      view: { kind: 'predicted', assumptions: values, horizon },
    }));
  return [ACTUAL, ...predicted];
}
