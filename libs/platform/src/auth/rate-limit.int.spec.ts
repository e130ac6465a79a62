import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { testServices } from '@cvf/test-support';
import { RedisThrottlerStorage } from './rate-limit';

// The rate limit's count on real Redis: exact on one instance, and shared by instances (each
// adds its hits at its next sync).

const WINDOW_MS = 60_000;
let redis: Redis;
let prefix: string;
beforeAll(() => {
  redis = new Redis(testServices.redisUrl);
});
beforeEach(() => {
  prefix = `cvftest:ratelimit:${randomBytes(4).toString('hex')}`;
});
afterAll(async () => {
  const keys = await redis.keys('cvftest:ratelimit:*');
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const hits = async (storage: RedisThrottlerStorage, n: number, limit: number) => {
  const blocked: boolean[] = [];
  for (let i = 0; i < n; i++) {
    blocked.push((await storage.increment('key:k1', WINDOW_MS, limit, 0, 'requests')).isBlocked);
  }
  return blocked;
};

it('one instance refuses exactly the hit past the limit', async () => {
  const storage = new RedisThrottlerStorage(redis, prefix);
  expect(await hits(storage, 6, 5)).toEqual([false, false, false, false, false, true]);
});

it('two instances share one budget: the second sees the first one’s hits at its first sync', async () => {
  const a = new RedisThrottlerStorage(redis, prefix, 20);
  const b = new RedisThrottlerStorage(redis, prefix, 20);
  expect(await hits(a, 6, 10)).toEqual(Array(6).fill(false));
  await new Promise((resolve) => setTimeout(resolve, 30));
  await hits(a, 1, 10); // a adds its pending hits to the shared count
  await new Promise((resolve) => setTimeout(resolve, 30));
  // b's first hit reads the shared count (7) back: its 4th hit is the 11th of the window.
  expect(await hits(b, 4, 10)).toEqual([false, false, false, true]);
});

it('another principal has a budget of its own', async () => {
  const storage = new RedisThrottlerStorage(redis, prefix);
  await hits(storage, 3, 2);
  const other = await storage.increment('key:k2', WINDOW_MS, 2, 0, 'requests');
  expect(other).toMatchObject({ totalHits: 1, isBlocked: false });
});
