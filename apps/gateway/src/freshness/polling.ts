/**
 * Read-your-writes timing. A request with `min_position` waits at most WAIT_MS for the data to
 * reach it, looking every POLL_MS: the position tag of a cached result (40 bytes, not the
 * document) or one indexed PostgreSQL row, shared by every request waiting on the same thing (see `Coalescer`).
 * Without `min_position`, only a read that finds nothing waits, for READ_OWN_WRITES_WAIT_MS
 * (configuration; ReadModelGate.find).
 */
export const READ_YOUR_WRITES_WAIT_MS = 5_000;
export const POLL_MS = 10;
/**
 * When the read models already hold the awaited write but the cache still lags this long
 * (the worker is slow, stopped or absent), the gateway recomputes the company itself.
 */
export const SELF_RECOMPUTE_AFTER_MS = 1_000;

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Shares one in-flight lookup per key among concurrent callers and reuses its answer for
 * `maxAgeMs`: a hundred requests polling the same position cost one query per interval.
 * The first caller's `lookup` runs; the others share its answer.
 */
export class Coalescer<V> {
  private readonly entries = new Map<string, { promise: Promise<V>; settledAt: number | null }>();

  constructor(private readonly maxAgeMs: number) {}

  get(key: string, lookup: () => Promise<V>): Promise<V> {
    const entry = this.entries.get(key);
    if (entry && (entry.settledAt === null || Date.now() - entry.settledAt <= this.maxAgeMs)) {
      return entry.promise;
    }
    const fresh: { promise: Promise<V>; settledAt: number | null } = {
      promise: lookup(),
      settledAt: null,
    };
    this.entries.set(key, fresh);
    fresh.promise.then(
      () => (fresh.settledAt = Date.now()),
      // A failure is not reused: the next caller asks again.
      () => this.entries.get(key) === fresh && this.entries.delete(key),
    );
    // Bounded: stale entries go when the map grows (one per company being polled).
    if (this.entries.size > 10_000) this.prune();
    return fresh.promise;
  }

  private prune(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) {
      if (entry.settledAt !== null && now - entry.settledAt > this.maxAgeMs) {
        this.entries.delete(key);
      }
    }
  }
}

/** One computation per key at a time; later callers share it (cache fills on a miss). */
export class SingleFlight<V> {
  private readonly running = new Map<string, Promise<V>>();

  run(key: string, work: () => Promise<V>): Promise<V> {
    const current = this.running.get(key);
    if (current) return current;
    const started = work().finally(() => this.running.delete(key));
    this.running.set(key, started);
    return started;
  }
}
