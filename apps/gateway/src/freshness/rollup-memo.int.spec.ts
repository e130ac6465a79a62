import { toSortable } from '@cvf/cache';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { testServices } from '../../../../test/support/services';
import { RollupMemo } from './rollup-memo';

/** The memo against real Redis: it must never serve a document the key no longer holds. */
const redis = new Redis(testServices.redisUrl);
const key = `cvftest:gateway-memo:${randomBytes(4).toString('hex')}:rollup:actual`;
afterAll(async () => {
  await redis.del(key);
  redis.disconnect();
});

const rollup = (computedAt: string, cohorts: string[], position = '7:3') =>
  `${toSortable(position)}|${JSON.stringify({
    position,
    computed_at: computedAt,
    document: { view: 'actual', cohorts, monthly_collections: [], breaches: [] },
  })}`;

describe('RollupMemo', () => {
  const memo = new RollupMemo(redis);
  const json = async () => (await memo.fetch(key))?.json.toString('utf8');

  it('given no key, then null', async () => {
    expect(await memo.fetch(key)).toBeNull();
  });

  it('given a rollup, then its document; rewritten at the same position, then the new one', async () => {
    await redis.set(key, rollup('2026-11-24T10:00:00.000Z', ['a']));
    expect(await json()).toBe(
      '{"view":"actual","cohorts":["a"],"monthly_collections":[],"breaches":[]}',
    );
    expect(await json()).toMatch(/\["a"\]/);
    await redis.set(key, rollup('2026-11-24T10:00:00.001Z', ['a']));
    expect((await memo.fetch(key))?.position).toBe('7:3');
    await redis.set(key, rollup('2026-11-24T10:00:00.001Z', ['a', 'b']));
    expect(await json()).toMatch(/\["a","b"\]/);
    await redis.set(key, rollup('2026-11-24T10:00:00.001Z', ['a', 'b'], '8:1'));
    expect((await memo.fetch(key))?.position).toBe('8:1');
  });

  it('given the key flushed, then null at once', async () => {
    await redis.del(key);
    expect(await memo.fetch(key)).toBeNull();
  });
});
