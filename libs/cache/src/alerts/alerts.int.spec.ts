import { parseMonth } from '@cvf/domain';
import { type Redis } from 'ioredis';
import { CohortCache } from '../cohort-cache';
import { CacheKeys } from '../layout';
import { CohortRecomputer } from '../recompute/recomputer';
import { connectRedis } from '../redis-connections';
import { SyntheticLog } from '../testing/company-history';
import { WORKED_BREACH, workedHistory } from '../testing/worked-example';
import {
  deleteKeys,
  readModelEnv,
  type ReadModelEnv,
  uniqueCacheOptions,
} from '../testing/test-env';
import { systemClock } from '../clock';
import { type BreachAlert, type PublishedAlert } from './alert';
import { AlertLog, RetainingAlertPublisher } from './alert-log';
import { LOG_START } from './alert-log-id';
import { BreachAlerter, RedisAlertPublisher } from './breach-alerter';

// Alerts end to end through the alert log and Redis pub/sub, wired as CacheModule wires
// them: DOMAIN.md's worked example has one breach (2020-01, period 1) and one capped cohort
// (2020-02).

const options = uniqueCacheOptions('alerts');
const keys = new CacheKeys(options.prefix);
let env: ReadModelEnv;
let redis: Redis;
let subscriber: Redis;
let recomputer: CohortRecomputer;
const received: PublishedAlert[] = [];
let alertLog: AlertLog;
const log = new SyntheticLog();
const history = workedHistory('worked');

/** Applies the history's new events and recomputes what they dirtied. */
async function applyAndRecompute(): Promise<void> {
  const batch = await env.apply(history.take(log));
  for (const job of batch.dirty) {
    const months = job.cohortMonths === 'all' ? 'all' : job.cohortMonths.map((m) => parseMonth(m)!);
    await recomputer.recompute(job.companyId, months);
  }
}
const FLUSH = '__flush__';
let flushed: (() => void) | null = null;
/** Pub/sub is asynchronous but ordered: once a marker published last arrives, all did. */
async function drain(): Promise<PublishedAlert[]> {
  const arrived = new Promise<void>((resolve) => (flushed = resolve));
  await redis.publish(options.alertsChannel, FLUSH);
  await arrived;
  return received.splice(0);
}

beforeAll(async () => {
  env = await readModelEnv('cache_alerts');
  redis = await connectRedis(options.redisUrl, 'commands');
  subscriber = await connectRedis(options.redisUrl, 'worker');
  await subscriber.subscribe(options.alertsChannel);
  subscriber.on('message', (_channel: string, message: string) => {
    if (message === FLUSH) flushed?.();
    else received.push(JSON.parse(message) as PublishedAlert);
  });
  alertLog = new AlertLog(redis, keys.alertLog(), systemClock);
  const publisher = new RetainingAlertPublisher(
    alertLog,
    new RedisAlertPublisher(redis, options.alertsChannel),
  );
  const alerter = new BreachAlerter(redis, keys, 600, publisher);
  const clock = { now: () => new Date('2020-05-02T00:00:00.000Z') };
  recomputer = new CohortRecomputer(env.queries, new CohortCache(redis, keys, 600), alerter, clock);
});
afterAll(async () => {
  await deleteKeys(redis, `${options.prefix}:*`);
  await subscriber.quit();
  await redis.quit();
  await env.close();
});

describe('ThresholdBreached and CohortCapped alerts', () => {
  it('given a breach and a capped cohort, when recomputed, then each is published once with its deterministic id', async () => {
    await applyAndRecompute();
    const alerts = await drain();
    expect(alerts.map((a) => [a.alert_id, a.type])).toEqual([
      ['breach:worked:2020-01-01:1', 'ThresholdBreached'],
      ['capped:worked:2020-02-01', 'CohortCapped'],
    ]);
    expect(alerts[0]).toMatchObject({
      ...WORKED_BREACH,
      detected_at: '2020-05-02T00:00:00.000Z',
    });
    expect((alerts[0] as BreachAlert).position).toMatch(/^\d+:\d+$/);
    expect(alerts[0]).toMatchObject({ change: 'raised' });
    // Retained before they went out, with the log's ids.
    const logged = await alertLog.readAfter(LOG_START, 10);
    expect(logged.alerts).toEqual(alerts);
    expect(alerts.map((a) => a.log_id)).toEqual(logged.alerts.map((a) => a.log_id));
  });

  it('given the same breaches, when recomputed again, then nothing is published', async () => {
    await recomputer.recompute('worked', 'all');
    await recomputer.recompute('worked', [parseMonth('2020-01')!]);
    expect(await drain()).toEqual([]);
  });

  it('given a payment that raises the ratio of the breach but leaves it a breach, then it is published again as an update', async () => {
    history.pay('b2', '1', '2020-02-15', 5_000); // period 1 of 2020-01: 150 / 1000
    await applyAndRecompute();
    const alerts = await drain();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      ...WORKED_BREACH,
      alert_id: 'breach:worked:2020-01-01:1',
      change: 'updated',
      ratio: '0.150000',
    });
    await recomputer.recompute('worked', 'all');
    expect(await drain()).toEqual([]);
  });

  it('given the record of the former layout (a set of alert ids), then it is adopted without re-alerting, and updates follow', async () => {
    const key = keys.reportedAlerts('worked');
    const ids = await redis.hkeys(key);
    await redis.del(key);
    await redis.sadd(key, ...ids);
    await recomputer.recompute('worked', 'all');
    expect(await drain()).toEqual([]);
    expect(await redis.type(key)).toBe('hash');

    history.pay('b3', '1', '2020-02-16', 1_000); // 160 / 1000
    await applyAndRecompute();
    expect((await drain()).map((a) => [a.alert_id, (a as BreachAlert).change])).toEqual([
      ['breach:worked:2020-01-01:1', 'updated'],
    ]);
  });

  it('given the breach waived, then it leaves the reported alerts; revoked, then it is raised again', async () => {
    history.override('2020-01-01', 1);
    await applyAndRecompute();
    expect(await drain()).toEqual([]);
    expect(await redis.hkeys(keys.reportedAlerts('worked'))).toEqual(['capped:worked:2020-02-01']);

    history.revokeOverride('2020-01-01', 1);
    await applyAndRecompute();
    expect((await drain()).map((a) => [a.alert_id, (a as BreachAlert).change])).toEqual([
      ['breach:worked:2020-01-01:1', 'raised'],
    ]);
  });

  it('given a new breach in another cohort, then only that one is published', async () => {
    history.pay('f', '3', '2020-05-20', 1_000);
    await applyAndRecompute();
    expect((await drain()).map((a) => a.alert_id)).toEqual(['breach:worked:2020-04-01:1']);
  });
});
