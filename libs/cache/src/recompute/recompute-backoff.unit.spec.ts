import { recomputeBackoff } from './bull-recompute-scheduler';

describe('recomputeBackoff', () => {
  it('doubles from 500 ms for each retry and never waits more than a minute', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(recomputeBackoff)).toEqual([
      500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000,
    ]);
    expect(recomputeBackoff(9_999)).toBe(60_000);
  });
});
