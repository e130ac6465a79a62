/**
 * Writers that may append to an existing stream serialise on an advisory lock for it,
 * taken before their first write (see postgres-event-store.ts for why). Streams share 256
 * lock buckets instead of having a lock each: a batch of a million refunds then takes at
 * most 256 locks, which PostgreSQL's shared lock table (a few thousand slots by default)
 * holds easily, while two unrelated writers meet in the same bucket only rarely and then
 * merely wait for a short transaction.
 */
const BUCKETS = 256;

/** First key of the two-key advisory lock form, naming "event store stream buckets". */
export const STREAM_LOCK_CLASS = 0x45_56_53_54; // "EVST"

/** Distinct buckets of the streams, ascending: every writer locks in the same order. */
export function streamLockBuckets(streamIds: readonly string[]): number[] {
  const buckets = new Set(streamIds.map(bucketOf));
  return [...buckets].sort((a, b) => a - b);
}

// FNV-1a over UTF-16 code units: stable across processes and versions, which is all a
// lock key needs.
function bucketOf(streamId: string): number {
  let hash = 0x81_1c_9d_c5;
  for (let i = 0; i < streamId.length; i++) {
    hash ^= streamId.charCodeAt(i);
    hash = Math.imul(hash, 0x01_00_01_93);
  }
  return (hash >>> 0) % BUCKETS;
}
