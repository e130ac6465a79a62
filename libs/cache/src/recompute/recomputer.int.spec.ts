import { parseMonth, type CashflowDocument } from '@cvf/domain';
import { type Redis } from 'ioredis';
import { CohortCache } from '../cohort-cache';
import { CacheKeys, type ViewKey } from '../layout';
import { connectRedis } from '../redis-connections';
import { SyntheticLog } from '../testing/company-history';
import { newCustomerPayment, portfolioHistory } from '../testing/fixtures';
import { expectedDocuments } from '../testing/oracle';
import { SpyReadModel } from '../testing/spy-read-model';
import {
  deleteKeys,
  readModelEnv,
  type ReadModelEnv,
  uniqueCacheOptions,
} from '../testing/test-env';
import { CohortRecomputer, type RecomputeOutcome } from './recomputer';

// The recomputer against real PostgreSQL read models (filled by their own projection) and a
// real Redis; the oracle is the pure engine over the same facts, kept by the test.

const options = uniqueCacheOptions('recompute');
const keys = new CacheKeys(options.prefix);
const clock = { now: () => new Date('2020-06-15T12:00:00.000Z') };
let env: ReadModelEnv;
let redis: Redis;
let cache: CohortCache;
let spy: SpyReadModel;
let recomputer: CohortRecomputer;
const log = new SyntheticLog();
const history = portfolioHistory('acme');

const computed = (outcome: RecomputeOutcome) => {
  if (outcome.status !== 'computed') throw new Error(`not computed: ${outcome.status}`);
  return outcome;
};
const documentsOf = (outcome: RecomputeOutcome): Map<ViewKey, CashflowDocument> =>
  new Map([...computed(outcome).rollups].map(([key, r]) => [key, r.document]));
async function cachedDocuments(companyId: string): Promise<Map<ViewKey, CashflowDocument>> {
  const views: ViewKey[] = ['actual', 'predicted:BEST', 'predicted:WORST'];
  const rollups = await Promise.all(views.map((v) => cache.readRollup(companyId, v)));
  return new Map(views.map((v, i) => [v, rollups[i]!.document]));
}

beforeAll(async () => {
  env = await readModelEnv('cache_recompute');
  redis = await connectRedis(options.redisUrl, 'commands');
  cache = new CohortCache(redis, keys, 600);
  spy = new SpyReadModel(env.queries);
  recomputer = new CohortRecomputer(spy, cache, null, clock);
  await env.apply(history.take(log));
});
afterAll(async () => {
  await deleteKeys(redis, `${options.prefix}:*`);
  await redis.quit();
  await env.close();
});
beforeEach(() => {
  spy.totalsRequests.length = 0;
  spy.positionOverride = undefined;
});

describe('CohortRecomputer', () => {
  it('given a company, when all cohorts are recomputed, then every view equals computeCompanyCashflows', async () => {
    const outcome = computed(await recomputer.recompute('acme', 'all'));
    const expected = expectedDocuments(history);
    expect([...expected.keys()]).toEqual(['actual', 'predicted:BEST', 'predicted:WORST']);
    expect(documentsOf(outcome)).toEqual(expected);
    expect(await cachedDocuments('acme')).toEqual(expected);
    expect(outcome.rollupPosition).toBe(outcome.position);
    expect((await cache.readMetrics('acme'))?.metrics).toEqual(outcome.metrics.metrics);
    expect(outcome.metrics.metrics.as_of_month).toBe('2020-06-01');
  });

  it('given new payments in two cohorts, when only those are recomputed, then only their totals are read and the rollups equal the engine over all data', async () => {
    const before = await cache.readEntries('acme', 'actual');
    newCustomerPayment(history, 'late-1', 3, 123_45);
    newCustomerPayment(history, 'late-2', 7, 99_999);
    history.pay('late-3', 'cus5', '2020-12-03', 4_200);
    const batch = await env.apply(history.take(log));
    const job = batch.dirty[0]!;
    expect(job.cohortMonths).not.toBe('all');
    const dirty = (job.cohortMonths as string[]).map((m) => parseMonth(m)!);

    const outcome = computed(await recomputer.recompute('acme', dirty));

    expect(spy.totalsRequests).toEqual([dirty]);
    expect(outcome.computedCohorts).toBe(dirty.length);
    expect(documentsOf(outcome)).toEqual(expectedDocuments(history));
    expect(await cachedDocuments('acme')).toEqual(expectedDocuments(history));
    // Clean cohorts were not recomputed: their entries keep the earlier tag.
    const after = await cache.readEntries('acme', 'actual');
    const dirtyText = new Set(job.cohortMonths as string[]);
    for (const [month, entry] of after) {
      if (dirtyText.has(month)) expect(entry.position).toBe(job.position);
      else expect(entry.position).toBe(before.get(month)!.position);
    }
  });

  it('given the cache keys flushed, when one cohort is recomputed, then the missing entries are filled and the documents are identical', async () => {
    const expected = expectedDocuments(history);
    expect(await deleteKeys(redis, keys.cachePattern('acme'))).toBeGreaterThan(0);

    const outcome = computed(await recomputer.recompute('acme', [parseMonth('2020-03')!]));

    expect(documentsOf(outcome)).toEqual(expected);
    expect(await cachedDocuments('acme')).toEqual(expected);
    expect(outcome.computedCohorts).toBe(12);
  });

  it('given a newer result cached, when a recompute reads an older position, then it overwrites nothing', async () => {
    const stored = await cache.readRollup('acme', 'actual');
    const metrics = await cache.readMetrics('acme');
    spy.positionOverride = { transactionId: '1', globalPosition: '1' };

    const outcome = computed(await recomputer.recompute('acme', 'all'));

    expect(outcome.rollupWritten).toBe(false);
    expect(await cache.readRollup('acme', 'actual')).toEqual(stored);
    expect(await cache.readMetrics('acme')).toEqual(metrics);
    const entries = await cache.readEntries('acme', 'actual');
    for (const entry of entries.values()) expect(entry.position).not.toBe('1:1');
  });

  it('given a scheduled position behind the read model, then the rollup claims only that position', async () => {
    const outcome = computed(
      await recomputer.recompute('acme', [parseMonth('2020-01')!], { scheduledPosition: '1:2' }),
    );
    expect(outcome.rollupPosition).toBe('1:2');
    expect(outcome.position).not.toBe('1:2');
  });

  it('given a company the read models have never seen, then nothing is computed', async () => {
    expect(await recomputer.recompute('nobody', 'all')).toEqual({ status: 'unknown-company' });
    expect(await cache.readRollup('nobody', 'actual')).toBeNull();
  });
});
