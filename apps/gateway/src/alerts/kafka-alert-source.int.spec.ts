import { ClientKafka } from '@nestjs/microservices';
import {
  type Alert,
  AlertLog,
  connectRedis,
  RetainingAlertPublisher,
  systemClock,
} from '@cvf/cache';
import { deleteKeys, uniqueCacheOptions } from '@cvf/cache/testing';
import { KafkaAlertPublisher, RELAY_PRODUCER_CONFIG } from '@cvf/messaging';
import { createTopic, testKafka, uniqueName } from '@cvf/messaging/testing';
import { testServices } from '@cvf/test-support';
import { type Redis } from 'ioredis';
import { AlertFeed } from './alert-feed';
import { EVERY_COMPANY } from './alert-listeners';
import { KafkaAlertSource } from './kafka-alert-source';
import { SseStream } from './sse-stream';

// Distributed mode's SSE feed: alerts published to Kafka by the worker reach the listeners
// of their company (and only theirs) through the gateway's Kafka alert source, and a stream
// resuming after an id gets what it missed from the alert log (Redis) before live ones.

const alert = (company: string, period: number): Alert => ({
  alert_id: `breach:${company}:2020-01-01:${period}`,
  type: 'ThresholdBreached',
  change: 'raised',
  company_id: company,
  cohort_month: '2020-01-01',
  period,
  month: '2020-02-01',
  ratio: '0.100000',
  minimum: '0.25',
  position: '1:1',
  detected_at: new Date().toISOString(),
});

const kafka = testKafka();
let topic: string;
let source: KafkaAlertSource;
let client: ClientKafka;

beforeEach(async () => {
  topic = uniqueName('cvf.alerts.test');
  await createTopic(kafka, topic, 2);
  source = KafkaAlertSource.onTopic(kafka, topic);
  // The worker's publisher as wired in distributed mode: the Nest microservices Kafka client.
  client = new ClientKafka({
    client: { clientId: uniqueName('cvf-test-alerts'), brokers: testServices.kafkaBrokers },
    producer: RELAY_PRODUCER_CONFIG,
    producerOnlyMode: true,
    send: { acks: -1 },
  });
  await client.connect();
});
afterEach(async () => {
  await client.close();
  await source.onApplicationShutdown();
});

async function waitUntil(done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

it('delivers each company its own alerts from cvf.alerts.v1', async () => {
  const received: Alert[] = [];
  const subscription = await source.subscribe('acme', (alert) => received.push(alert));
  await new KafkaAlertPublisher(client, topic).publish([
    alert('acme', 1),
    alert('other', 1),
    alert('acme', 2),
  ]);
  await waitUntil(() => received.length >= 2);
  expect(received.map((a) => a.alert_id)).toEqual([
    'breach:acme:2020-01-01:1',
    'breach:acme:2020-01-01:2',
  ]);
  subscription.close();
});

describe('with the alert log (Redis)', () => {
  const options = uniqueCacheOptions('kafka_alert_log');
  let redis: Redis;
  beforeAll(async () => {
    redis = await connectRedis(options.redisUrl, 'commands');
  });
  afterAll(async () => {
    await deleteKeys(redis, `${options.prefix}:*`);
    await redis.quit();
  });

  it('given a stream resuming after an id, then the alerts missed come from the log, then live ones over two partitions, each once and in log order', async () => {
    const log = new AlertLog(redis, `${options.prefix}:alerts:log`, systemClock);
    const publisher = new RetainingAlertPublisher(log, new KafkaAlertPublisher(client, topic));
    await publisher.publish([alert('acme', 1)]);
    const resumeFrom = await log.newest();
    await publisher.publish([alert('acme', 2), alert('other', 1)]); // while away

    const chunks: string[] = [];
    const sink = {
      writableLength: 0,
      write: (chunk: string) => chunks.push(chunk) > 0,
      end: () => undefined,
      once: () => undefined,
    };
    const failures: unknown[] = [];
    const feed = new AlertFeed(log, EVERY_COMPANY, (error) => failures.push(error));
    const subscription = await source.subscribe(EVERY_COMPANY, feed.live);
    const stream = new SseStream(sink, () => subscription.close());
    feed.open(stream, resumeFrom);
    // Live, keyed by company: two partitions, whose order Kafka does not keep between them.
    await publisher.publish([alert('other', 2), alert('acme', 3)]);

    const events = () =>
      chunks.flatMap((chunk) => {
        const match = /^id: (.*)\nevent: .*\ndata: (.*)$/m.exec(chunk);
        return match ? [{ id: match[1]!, alert: JSON.parse(match[2]!) as Alert }] : [];
      });
    await waitUntil(() => events().length >= 4);
    await new Promise((r) => setTimeout(r, 500)); // a duplicate would be here by now
    const logged = (await log.readAfter(resumeFrom, 10)).alerts;
    expect(events().map((e) => [e.id, e.alert.alert_id])).toEqual(
      logged.map((a) => [a.log_id, a.alert_id]),
    );
    expect(logged.map((a) => a.alert_id)).toEqual([
      'breach:acme:2020-01-01:2',
      'breach:other:2020-01-01:1',
      'breach:other:2020-01-01:2',
      'breach:acme:2020-01-01:3',
    ]);
    expect(failures).toEqual([]);
    stream.close();
  });
});
