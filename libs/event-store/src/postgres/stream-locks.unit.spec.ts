import { streamLockBuckets } from './stream-locks';

describe('stream lock buckets', () => {
  it('are distinct, ascending and the same for the same stream every time', () => {
    const ids = Array.from({ length: 2_000 }, (_, i) => `payment-company-1-${i}`);
    const buckets = streamLockBuckets([...ids, ...ids]);

    expect(buckets).toEqual([...new Set(buckets)].sort((a, b) => a - b));
    expect(buckets.length).toBeLessThanOrEqual(256);
    expect(buckets.every((b) => Number.isInteger(b) && b >= 0 && b < 256)).toBe(true);
    expect(streamLockBuckets(['company-7'])).toEqual(streamLockBuckets(['company-7']));
  });

  it('spread streams over many buckets, so unrelated writers rarely wait on each other', () => {
    const ids = Array.from({ length: 2_000 }, (_, i) => `company-${i}`);
    expect(streamLockBuckets(ids).length).toBeGreaterThan(240);
  });
});
