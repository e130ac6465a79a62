import { type Redis } from 'ioredis';
import { CohortCache } from './cohort-cache';
import { type CohortEntry, type StoredRollup } from './documents';
import { CacheKeys } from './layout';
import { DirtyCohorts } from './recompute/dirty-cohorts';
import { connectRedis } from './redis-connections';
import { deleteKeys, uniqueCacheOptions } from './testing/test-env';
import { workedDocument } from './testing/worked-example';
import { toSortable } from './position';

const options = uniqueCacheOptions('guard');
const keys = new CacheKeys(options.prefix);
const TTL = 600;
let redis: Redis;
let cache: CohortCache;

beforeAll(async () => {
  redis = await connectRedis(options.redisUrl, 'commands');
  cache = new CohortCache(redis, keys, TTL);
});
afterAll(async () => {
  await deleteKeys(redis, `${options.prefix}:*`);
  await redis.quit();
});

const rollup = (position: string, label: string): StoredRollup => ({
  position,
  computed_at: label,
  document: workedDocument(),
});
const entry = (customers: number): CohortEntry => ({
  cohort: { ...workedDocument().cohorts[0]!, customer_count: customers },
  breaches: [],
});

describe('position guard (Lua, positions compared as fixed-width strings)', () => {
  it('given a newer rollup, then an older one never overwrites it', async () => {
    expect(await cache.writeRollup('c1', 'actual', rollup('100:7', 'newer'))).toBe(true);
    expect(await cache.writeRollup('c1', 'actual', rollup('99:8', 'older'))).toBe(false);
    expect(await cache.writeRollup('c1', 'actual', rollup('100:6', 'older'))).toBe(false);
    expect((await cache.readRollup('c1', 'actual'))?.computed_at).toBe('newer');
  });

  it('given the same position again, then the write is accepted and idempotent', async () => {
    await cache.writeRollup('c2', 'actual', rollup('5:5', 'first'));
    expect(await cache.writeRollup('c2', 'actual', rollup('5:5', 'first'))).toBe(true);
    expect(await cache.readRollup('c2', 'actual')).toEqual(rollup('5:5', 'first'));
  });

  it('compares 64-bit ids beyond 2^53 exactly (a Lua number would see them equal)', async () => {
    // 2^53 + 1 and 2^53 are the same double.
    await cache.writeRollup('c3', 'actual', rollup('9007199254740993:1', 'newer'));
    expect(await cache.writeRollup('c3', 'actual', rollup('9007199254740992:1', 'older'))).toBe(
      false,
    );
    expect(await cache.writeRollup('c3', 'actual', rollup('18446744073709551615:0', 'max'))).toBe(
      true,
    );
    expect((await cache.readRollup('c3', 'actual'))?.computed_at).toBe('max');
  });

  it('guards each cohort entry on its own and reports which were written', async () => {
    const meta = (position: string) => ({ position, computedAt: 'now' });
    await cache.writeEntries('c4', 'actual', meta('10:10'), new Map([['2020-01-01', entry(1)]]));
    const written = await cache.writeEntries(
      'c4',
      'actual',
      meta('9:50'),
      new Map([
        ['2020-01-01', entry(2)],
        ['2020-02-01', entry(3)],
      ]),
    );
    expect(written).toEqual(['2020-02-01']);
    const stored = await cache.readEntries('c4', 'actual');
    expect(stored.get('2020-01-01')?.entry.cohort.customer_count).toBe(1);
    expect(stored.get('2020-02-01')?.position).toBe('9:50');
    const some = await cache.readEntries('c4', 'actual', ['2020-02-01', '2031-01-01']);
    expect([...some.keys()]).toEqual(['2020-02-01']);
  });

  it('puts a TTL on every key it writes (noeviction: the cache bounds itself)', async () => {
    await cache.writeMetrics('c5', {
      position: '1:1',
      computed_at: 'now',
      metrics: {} as never,
    });
    await cache.writeRollup('c5', 'predicted:BEST', rollup('1:1', 'x'));
    await cache.writeEntries(
      'c5',
      'actual',
      { position: '1:1', computedAt: 'x' },
      new Map([['2020-01-01', entry(1)]]),
    );
    for (const key of [
      keys.metrics('c5'),
      keys.rollup('c5', 'predicted:BEST'),
      keys.cohorts('c5', 'actual'),
    ]) {
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(TTL - 5);
      expect(ttl).toBeLessThanOrEqual(TTL);
    }
  });
});

describe('dirty cohorts', () => {
  const dirty = () => new DirtyCohorts(redis, keys, TTL);

  it("keeps the furthest position per member; the company's is the furthest of them", async () => {
    await dirty().mark('d1', ['2020-01-01', '2020-02-01'], '20:1');
    await dirty().mark('d1', ['2020-01-01'], '19:9');
    await dirty().mark('d1', 'all', '21:0');
    const snapshot = await dirty().snapshot('d1');
    expect(Object.fromEntries(snapshot.members)).toEqual({
      '2020-01-01': toSortable('20:1'),
      '2020-02-01': toSortable('20:1'),
      all: toSortable('21:0'),
    });
    expect(snapshot.scheduledPosition).toBe('21:0');
    expect(await redis.ttl(keys.dirty('d1'))).toBeGreaterThan(0);
  });

  it('clears processed members but keeps one dirtied again since the snapshot', async () => {
    await dirty().mark('d2', ['2020-01-01', '2020-02-01'], '30:1');
    const snapshot = await dirty().snapshot('d2');
    await dirty().mark('d2', ['2020-02-01', '2020-03-01'], '31:1');
    expect(await dirty().clear('d2', snapshot.members)).toBe(1);
    const after = await dirty().snapshot('d2');
    expect([...after.members.keys()].sort()).toEqual(['2020-02-01', '2020-03-01']);
  });
});
