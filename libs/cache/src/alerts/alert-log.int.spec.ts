import { type Redis } from 'ioredis';
import { systemClock } from '../clock';
import { CacheKeys } from '../layout';
import { connectRedis } from '../redis-connections';
import { deleteKeys, uniqueCacheOptions } from '../testing/test-env';
import { type Alert, type AlertPublisher } from './alert';
import { AlertLog, RetainingAlertPublisher } from './alert-log';
import { compareAlertLogIds, LOG_START } from './alert-log-id';

// The retained alert log on a real Redis stream: ordered ids, pages after an id, the bound.

const options = uniqueCacheOptions('alert_log');
const keys = new CacheKeys(options.prefix);
let redis: Redis;

const rejected = (eventId: string): Alert => ({
  alert_id: `delivery:acme:stripe:${eventId}`,
  type: 'DeliveryRejected',
  company_id: 'acme',
  provider: 'stripe',
  event_id: eventId,
  event_type: 'charge.succeeded',
  reason: 'another currency',
  payment_id: null,
  detected_at: '2020-05-01T00:00:00.000Z',
});

beforeAll(async () => {
  redis = await connectRedis(options.redisUrl, 'commands');
});
afterAll(async () => {
  await deleteKeys(redis, `${options.prefix}:*`);
  await redis.quit();
});

describe('AlertLog', () => {
  const log = () => new AlertLog(redis, keys.alertLog(), systemClock);

  it('given nothing appended, then its newest id is the start and nothing follows it', async () => {
    expect(await log().newest()).toBe(LOG_START);
    expect(await log().readAfter(LOG_START, 10)).toEqual({ alerts: [], last: null });
  });

  it('given alerts appended, then each has an increasing id, and pages after an id hold the later ones in order', async () => {
    const appended = [
      ...(await log().append([rejected('e1'), rejected('e2')])),
      ...(await log().append([rejected('e3')])),
    ];
    const ids = appended.map((alert) => alert.log_id);
    expect(compareAlertLogIds(ids[0]!, ids[1]!)).toBeLessThan(0);
    expect(compareAlertLogIds(ids[1]!, ids[2]!)).toBeLessThan(0);
    expect(await log().newest()).toBe(ids[2]);

    const first = await log().readAfter(ids[0]!, 1);
    expect(first).toEqual({ alerts: [appended[1]], last: ids[1] });
    const rest = await log().readAfter(first.last!, 10);
    expect(rest).toEqual({ alerts: [appended[2]], last: ids[2] });
    expect(await log().readAfter(ids[2]!, 10)).toEqual({ alerts: [], last: null });
    expect(await redis.pttl(keys.alertLog())).toBeGreaterThan(6 * 24 * 3_600_000);
  });

  it('given alerts older than the retention, then the next append drops them', async () => {
    const key = `${options.prefix}:alerts:short-log`;
    const short = new AlertLog(redis, key, systemClock, { retentionMs: 300, maxEntries: 1_000 });
    await short.append([rejected('old')]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const [kept] = await short.append([rejected('new')]);
    expect((await short.readAfter(LOG_START, 10)).alerts).toEqual([kept]);
  });
});

describe('RetainingAlertPublisher', () => {
  it('appends first, then hands the transport each alert with its log id', async () => {
    const key = `${options.prefix}:alerts:retaining-log`;
    const log = new AlertLog(redis, key, systemClock);
    const sent: Alert[][] = [];
    const transport: AlertPublisher = {
      publish: async (alerts) => {
        // The log already holds them when the transport is called.
        expect((await log.readAfter(LOG_START, 10)).alerts).toEqual(alerts);
        sent.push([...alerts]);
      },
    };
    await new RetainingAlertPublisher(log, transport).publish([rejected('a'), rejected('b')]);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.map((alert) => 'log_id' in alert && alert.log_id)).toEqual(
      (await log.readAfter(LOG_START, 10)).alerts.map((alert) => alert.log_id),
    );
  });
});
