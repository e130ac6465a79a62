import { encodePosition } from '@cvf/event-store';
import { Redis } from 'ioredis';
import { CachedResultsReader } from './cached-results-reader';
import { CacheKeys } from './layout';
import { toSortable } from './position';
import { uniqueCacheOptions } from './testing/test-env';

/** The reader against real Redis: it must never serve a document the key no longer holds. */
const options = uniqueCacheOptions('reader');
const redis = new Redis(options.redisUrl);
const keys = new CacheKeys(options.prefix);
const company = 'acme';
const key = keys.rollup(company, 'actual');
afterAll(async () => {
  await redis.del(key, keys.metrics(company));
  redis.disconnect();
});

const tagged = (position: string, value: object) =>
  `${toSortable(position)}|${JSON.stringify(value)}`;
const rollup = (computedAt: string, cohorts: string[], position = '7:3') =>
  tagged(position, {
    position,
    computed_at: computedAt,
    document: { view: 'actual', cohorts, monthly_collections: [], breaches: [] },
  });

describe('CachedResultsReader: the rollup JSON memo', () => {
  const reader = new CachedResultsReader(redis, keys);
  const fetch = () => reader.rollupJson(company, 'actual');
  const json = async () => (await fetch())?.value.toString('utf8');
  const position = async () => {
    const served = await fetch();
    return served && encodePosition(served.position);
  };

  it('given no key, then null', async () => {
    expect(await fetch()).toBeNull();
  });

  it('given a rollup, then its document; rewritten at the same position, then the new one', async () => {
    await redis.set(key, rollup('2026-11-24T10:00:00.000Z', ['a']));
    expect(await json()).toBe(
      '{"view":"actual","cohorts":["a"],"monthly_collections":[],"breaches":[]}',
    );
    expect(await json()).toMatch(/\["a"\]/);
    await redis.set(key, rollup('2026-11-24T10:00:00.001Z', ['a']));
    expect(await position()).toBe('7:3');
    await redis.set(key, rollup('2026-11-24T10:00:00.001Z', ['a', 'b']));
    expect(await json()).toMatch(/\["a","b"\]/);
    await redis.set(key, rollup('2026-11-24T10:00:00.001Z', ['a', 'b'], '8:1'));
    expect(await position()).toBe('8:1');
  });

  it('given the key flushed, then null at once', async () => {
    await redis.del(key);
    expect(await fetch()).toBeNull();
  });
});

describe('CachedResultsReader: positions and parsed results', () => {
  const reader = new CachedResultsReader(redis, keys);

  it('given nothing cached, then no position and no result', async () => {
    await redis.del(key, keys.metrics(company));
    expect(await reader.rollupPosition(company, 'actual')).toBeNull();
    expect(await reader.metricsPosition(company)).toBeNull();
    expect(await reader.rollup(company, 'actual')).toBeNull();
    expect(await reader.metrics(company)).toBeNull();
  });

  it('given a rollup and metrics, then each with the position of its tag', async () => {
    await redis.set(key, rollup('2026-11-24T10:00:00.000Z', ['a'], '9007199254740993:42'));
    const metrics = { position: '12:5', computed_at: '2026-11-24T10:00:00.000Z', metrics: {} };
    await redis.set(keys.metrics(company), tagged('12:5', metrics));

    expect(await reader.rollupPosition(company, 'actual')).toEqual({
      transactionId: '9007199254740993',
      globalPosition: '42',
    });
    expect(await reader.rollup(company, 'actual')).toEqual({
      value: { view: 'actual', cohorts: ['a'], monthly_collections: [], breaches: [] },
      position: { transactionId: '9007199254740993', globalPosition: '42' },
    });
    expect(await reader.metricsPosition(company)).toEqual({
      transactionId: '12',
      globalPosition: '5',
    });
    expect(await reader.metrics(company)).toEqual({
      value: metrics,
      position: { transactionId: '12', globalPosition: '5' },
    });
  });
});
