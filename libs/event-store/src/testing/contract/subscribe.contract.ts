import type { RecordedEvent } from '../../event-store.port';
import type { StoreAccessor } from './store-accessor';
import { aStreamId, delay, eventually, readToEnd, rejectionOf, someEvents } from '../fixtures';

const options = { pollIntervalMs: 100 };

export function subscribeContract(store: StoreAccessor): void {
  it('catches up on past events, then delivers new ones live, in log order', async () => {
    const { checkpoint: start } = await readToEnd(store());
    const streamId = aStreamId();
    const past = someEvents(3);
    await store().append(streamId, past, { kind: 'no-stream' });

    // Only this stream's events count: other writers share the log.
    const received: RecordedEvent[] = [];
    const subscription = store().subscribe(
      start,
      (batch) => {
        received.push(...batch.filter((e) => e.streamId === streamId));
        return Promise.resolve();
      },
      options,
    );
    await eventually('the past events arrive', () => received.length >= 3);

    const live = someEvents(2);
    await store().append(streamId, live, { kind: 'exact', version: 3 });
    await eventually('the live events arrive', () => received.length >= 5);
    await subscription.stop();
    await subscription.done;

    expect(received.map((e) => e.eventId)).toEqual([...past, ...live].map((e) => e.eventId));
  });

  it('awaits each batch before reading the next (backpressure)', async () => {
    const { checkpoint: start } = await readToEnd(store());
    await store().append(aStreamId(), someEvents(7), { kind: 'no-stream' });

    let inFlight = 0;
    let mostInFlight = 0;
    const sizes: number[] = [];
    const subscription = store().subscribe(
      start,
      async (batch) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        sizes.push(batch.length);
        await delay(20);
        inFlight -= 1;
      },
      { ...options, batchSize: 3 },
    );
    await eventually('all events are handled', () => sizes.reduce((a, b) => a + b, 0) >= 7);
    await subscription.stop();

    expect(mostInFlight).toBe(1);
    expect(sizes).toEqual([3, 3, 1]);
  });

  it('ends with the handler error when a handler throws', async () => {
    const { checkpoint: start } = await readToEnd(store());
    await store().append(aStreamId(), someEvents(1), { kind: 'no-stream' });
    const failure = new Error('projection failed');

    const subscription = store().subscribe(start, () => Promise.reject(failure), options);
    expect(await rejectionOf(subscription.done)).toBe(failure);
    await subscription.stop();
  });

  it('stops promptly when idle, and stopping twice is harmless', async () => {
    const { checkpoint: start } = await readToEnd(store());
    const subscription = store().subscribe(start, () => Promise.resolve(), {
      pollIntervalMs: 60_000,
    });
    await delay(50);

    const startedStopping = Date.now();
    await subscription.stop();
    await subscription.stop();
    await subscription.done;
    expect(Date.now() - startedStopping).toBeLessThan(2_000);
  });
}
