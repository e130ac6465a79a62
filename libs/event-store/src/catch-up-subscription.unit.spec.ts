import { startCatchUpSubscription, type SubscriptionSource } from './catch-up-subscription';
import type { LogPosition, ReadAllResult, RecordedEvent } from './event-store.port';
import { comparePositions } from './log-position';
import { delay, eventually, rejectionOf } from './testing/fixtures';

/** An in-memory log whose readers see what `publish` made visible; `wake` is under test control. */
class FakeLog implements SubscriptionSource {
  readonly events: RecordedEvent[] = [];
  failNextRead: Error | null = null;
  reads = 0;
  wake: (() => void) | null = null;
  closed = false;

  publish(count: number): void {
    for (let i = 0; i < count; i++) {
      const n = this.events.length + 1;
      this.events.push({
        eventId: `e${n}`,
        type: 'T',
        schemaVersion: 1,
        data: {},
        metadata: {
          companyId: 'c',
          occurredAt: '',
          actor: 'a',
          causationId: null,
          correlationId: null,
        },
        streamId: 's',
        streamVersion: n,
        globalPosition: `${n}`,
        transactionId: '1',
        recordedAt: '',
      });
    }
  }

  readAll(after: LogPosition | null, maxCount: number): Promise<ReadAllResult> {
    this.reads += 1;
    if (this.failNextRead) {
      const error = this.failNextRead;
      this.failNextRead = null;
      return Promise.reject(error);
    }
    const events = this.events
      .filter(
        (e) =>
          comparePositions(after, {
            transactionId: e.transactionId,
            globalPosition: e.globalPosition,
          }) < 0,
      )
      .slice(0, maxCount);
    const last = events.at(-1);
    return Promise.resolve({
      events,
      checkpoint: last
        ? { transactionId: last.transactionId, globalPosition: last.globalPosition }
        : after,
    });
  }

  listen(wake: () => void) {
    this.wake = wake;
    return { close: () => Promise.resolve(void (this.closed = true)) };
  }
}

describe('catch-up subscription', () => {
  it('delivers past events in batches, then new ones when woken, without polling meanwhile', async () => {
    const log = new FakeLog();
    log.publish(5);
    const batches: string[][] = [];
    const subscription = startCatchUpSubscription(
      log,
      null,
      (batch) => Promise.resolve(void batches.push(batch.map((e) => e.eventId))),
      { batchSize: 2, pollIntervalMs: 60_000 },
    );
    await eventually('caught up', () => batches.length === 3);
    expect(batches).toEqual([['e1', 'e2'], ['e3', 'e4'], ['e5']]);

    log.publish(1);
    log.wake?.();
    await eventually('live event', () => batches.length === 4);
    expect(batches[3]).toEqual(['e6']);
    await subscription.stop();
    expect(log.closed).toBe(true);
  });

  it('starts after the given position', async () => {
    const log = new FakeLog();
    log.publish(3);
    const seen: string[] = [];
    const subscription = startCatchUpSubscription(
      log,
      { transactionId: '1', globalPosition: '2' },
      (batch) => Promise.resolve(void seen.push(...batch.map((e) => e.eventId))),
    );
    await eventually('delivered', () => seen.length === 1);
    await subscription.stop();
    expect(seen).toEqual(['e3']);
  });

  it('polls when no wake-up comes', async () => {
    const log = new FakeLog();
    const seen: string[] = [];
    const subscription = startCatchUpSubscription(
      log,
      null,
      (batch) => Promise.resolve(void seen.push(...batch.map((e) => e.eventId))),
      { pollIntervalMs: 20 },
    );
    await delay(50);
    log.publish(1);
    await eventually('found by polling', () => seen.length === 1, 2_000);
    await subscription.stop();
  });

  it('reports a failed read and tries again', async () => {
    const log = new FakeLog();
    log.publish(1);
    log.failNextRead = new Error('connection reset');
    const errors: unknown[] = [];
    const seen: string[] = [];
    const subscription = startCatchUpSubscription(
      log,
      null,
      (batch) => Promise.resolve(void seen.push(...batch.map((e) => e.eventId))),
      { pollIntervalMs: 10, onError: (error) => errors.push(error) },
    );
    await eventually('delivered after the retry', () => seen.length === 1);
    await subscription.stop();
    expect(errors).toEqual([new Error('connection reset')]);
  });

  it('lets the batch in flight finish before stop resolves', async () => {
    const log = new FakeLog();
    log.publish(1);
    let finished = false;
    const subscription = startCatchUpSubscription(log, null, async () => {
      await delay(50);
      finished = true;
    });
    await delay(10);
    await subscription.stop();
    expect(finished).toBe(true);
  });

  it('ends, rejecting done, when the handler throws; the checkpoint does not move', async () => {
    const log = new FakeLog();
    log.publish(2);
    const failure = new Error('boom');
    const subscription = startCatchUpSubscription(log, null, () => Promise.reject(failure));
    expect(await rejectionOf(subscription.done)).toBe(failure);
    expect(log.reads).toBe(1);
    expect(log.closed).toBe(true);
    await subscription.stop();
  });
});
