import { type Consumer, type Kafka, type KafkaMessage } from 'kafkajs';
import { type Alert } from '@cvf/cache';
import { SyntheticLog, WORKED_BREACH, workedHistory } from '@cvf/cache/testing';
import { testKafka, uniqueName } from '@cvf/messaging/testing';
import { dropPrefixed, kafkaTopics } from '@cvf/messaging';
import { eventually } from '@cvf/platform/testing';
import { type RecomputeJob } from '@cvf/read-model';
import { testServices } from '@cvf/test-support';
import { startWorkerFleet, type WorkerFleet } from './testing/worker-fleet';

// Distributed mode's alert path for real: worker processes (CVF_MODE=distributed) recompute
// from the read model and publish ThresholdBreached / CohortCapped to Kafka cvf.alerts.v1
// (behind a topic prefix of this spec's own); an ops consumer reads the topic from the start.
// Each alert condition must reach it once per (cohort, period), also across repeated and
// crashed jobs, as seen by a consumer that dedupes by alert_id.

jest.setTimeout(60_000);

const topicPrefix = `${uniqueName('test')}.`;
const topics = kafkaTopics(topicPrefix);
const log = new SyntheticLog();
const history = workedHistory('worked');

let fleet: WorkerFleet;
let kafka: Kafka;
let ops: Consumer;
const received: KafkaMessage[] = [];

const alertsOf = (messages: readonly KafkaMessage[]): Alert[] =>
  messages.map((m) => JSON.parse(m.value!.toString('utf8')) as Alert);
const ids = (messages: readonly KafkaMessage[]) => alertsOf(messages).map((a) => a.alert_id);
const distinct = (messages: readonly KafkaMessage[]) => [...new Set(ids(messages))].sort();

let lastJobs: readonly RecomputeJob[] = [];
/** Projects the history's new events and schedules the cohorts they dirtied. */
async function applyAndSchedule(): Promise<void> {
  const batch = await fleet.env.apply(history.take(log));
  lastJobs = batch.dirty;
  await fleet.scheduler.schedule(batch.dirty);
}
/** Every scheduled recompute ran: nothing dirty, nothing waiting or active. */
async function settled(): Promise<boolean> {
  const counts = await fleet.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
  const pending = Object.values(counts).reduce((sum, n) => sum + n, 0);
  return pending === 0 && (await fleet.redis.hlen(fleet.keys.dirty('worked'))) === 0;
}
/** `eventually`, failing with what the workers logged (warnings and errors). */
const waitFor = (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000) =>
  eventually(what, check, timeoutMs).catch((error: unknown) => {
    const logs = fleet.workers.map((w) => `worker ${w.child.pid}:\n${w.output()}`).join('\n');
    throw new Error(`${String(error)}\n${logs}`);
  });
/** Waits until the ops consumer has seen `count` messages in all. */
const seen = (count: number) =>
  waitFor(`${count} alert messages on ${topics.alerts}`, () => received.length >= count);

beforeAll(async () => {
  fleet = await startWorkerFleet(
    'worker_kafka',
    2,
    {
      CVF_MODE: 'distributed',
      KAFKA_BROKERS: testServices.kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix,
      LOG_LEVEL: 'warn',
    },
    // Ready includes the Kafka producer: the worker created the topics on start.
    40_000,
  );
  kafka = testKafka();
  ops = kafka.consumer({ groupId: uniqueName('ops-dashboard'), maxWaitTimeInMs: 100 });
  await ops.connect();
  await ops.subscribe({ topics: [topics.alerts], fromBeginning: true });
  await ops.run({
    eachMessage: ({ message }) => {
      received.push(message);
      return Promise.resolve();
    },
  });
});
afterAll(async () => {
  await ops?.disconnect();
  if (kafka) await dropPrefixed(kafka, topicPrefix);
  await fleet?.close();
});

describe('worker alerts on Kafka (distributed mode)', () => {
  it('is ready only after checking Kafka too', async () => {
    expect(await fleet.workers[0]!.get('/health/ready')).toMatchObject({
      status: 200,
      body: { info: { kafka: { status: 'up' }, redis: { status: 'up' } } },
    });
  });

  it('given a breach and a capped cohort, then each is published once, keyed by company', async () => {
    await applyAndSchedule();
    await seen(2);
    expect(ids(received).sort()).toEqual([
      'breach:worked:2020-01-01:1',
      'capped:worked:2020-02-01',
    ]);
    expect(received.map((m) => m.key?.toString())).toEqual(['worked', 'worked']);
    const breach = alertsOf(received).find((a) => a.type === 'ThresholdBreached');
    expect(breach).toMatchObject(WORKED_BREACH);
  });

  it('given the same results recomputed again, then nothing is republished', async () => {
    await fleet.scheduler.schedule(
      lastJobs.map((job) => ({ ...job, cohortMonths: 'all' as const })),
    );
    await waitFor('the repeated recompute ran', settled);
    // One partition per company: a duplicate of the earlier alerts would arrive before the
    // alert of a new breach. So when the new one is there, nothing else came in between.
    history.pay('f', '3', '2020-05-20', 1_000);
    await applyAndSchedule();
    await seen(3);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(ids(received)).toHaveLength(3);
    expect(ids(received.slice(2))).toEqual(['breach:worked:2020-04-01:1']);
  });

  it('given the breach waived and revoked, then it is published again, once', async () => {
    history.override('2020-01-01', 1);
    await applyAndSchedule();
    await waitFor('the waiver was recomputed', settled);
    history.revokeOverride('2020-01-01', 1);
    await applyAndSchedule();
    await seen(4);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(ids(received.slice(3))).toEqual(['breach:worked:2020-01-01:1']);
  });

  it('given the worker running a job killed, then another reruns it and a deduping consumer sees the new breach once', async () => {
    // A new breach in a new cohort; the read model locked so the job blocks mid-recompute.
    history.spend('2020-06-01', 100_000).trade('2020-06-01', '0.5', 50_000);
    history.pay('g', '4', '2020-06-02', 2_000).pay('h', '4', '2020-07-02', 100);
    const batch = await fleet.env.apply(history.take(log));
    const lock = await fleet.lockReadModel();
    await fleet.scheduler.schedule(batch.dirty);
    const holder = await fleet.holderOfActiveJob();
    holder.child.kill('SIGKILL');
    await holder.exited;
    await lock.release();

    await waitFor('the survivor reran the job', settled);
    await seen(5);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(fleet.alive()).toHaveLength(1);
    expect(distinct(received)).toEqual(
      [
        'breach:worked:2020-01-01:1',
        'breach:worked:2020-04-01:1',
        'breach:worked:2020-06-01:1',
        'capped:worked:2020-02-01',
      ].sort(),
    );
    // At-least-once: the new breach arrived, possibly twice if the kill fell between
    // publishing and recording; a consumer deduping by alert_id sees it once.
    const fresh = ids(received.slice(4));
    expect(fresh.length).toBeGreaterThanOrEqual(1);
    expect(new Set(fresh)).toEqual(new Set(['breach:worked:2020-06-01:1']));
  });
});
