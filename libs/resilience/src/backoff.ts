/** The pause before retry `attempt` (1 for the first retry), in milliseconds. */
export type Backoff = (attempt: number) => number;

export interface BackoffPolicy {
  /** The pause before the first retry. */
  readonly firstMs: number;
  /** No pause is longer than this, however long the failure lasts. */
  readonly maxMs: number;
}

/**
 * Doubling from `firstMs`, capped at `maxMs`: `firstMs · 2^(attempt − 1)`. Attempts below 1
 * (a caller counting from 0, BullMQ before its first failure) wait `firstMs`.
 */
export function exponentialBackoff({ firstMs, maxMs }: BackoffPolicy): Backoff {
  if (!(firstMs >= 0 && maxMs >= firstMs)) {
    throw new RangeError(`backoff needs 0 ≤ firstMs ≤ maxMs (got ${firstMs}, ${maxMs})`);
  }
  // 2 ** 1100 is Infinity, which the cap turns into maxMs: no overflow to guard against.
  return (attempt) => Math.min(maxMs, firstMs * 2 ** Math.max(0, Math.floor(attempt) - 1));
}
