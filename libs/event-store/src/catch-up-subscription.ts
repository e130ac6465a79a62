import type {
  LogPosition,
  ReadAllResult,
  SubscribeOptions,
  Subscription,
  SubscriptionHandler,
} from './event-store.port';

const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_POLL_INTERVAL_MS = 250;

/**
 * What a subscription needs from an adapter: the ordered log, and optionally a signal that
 * something was appended (so live delivery does not wait for the next poll).
 */
export interface SubscriptionSource {
  readAll(after: LogPosition | null, maxCount: number): Promise<ReadAllResult>;
  /** Starts listening; `wake` is called on every append seen. Returns the way to stop. */
  listen?(wake: () => void, onError: (error: unknown) => void): { close(): Promise<void> };
}

/**
 * Catch-up then live, in one loop: read a page after the checkpoint; if it has events, await
 * the handler (backpressure) and advance; if it is empty, sleep until woken or until the
 * poll interval passes. Polling is not only a fallback for lost notifications: a notification
 * can arrive while an older transaction still hides newer events, and only a later read
 * sees them.
 */
export function startCatchUpSubscription(
  source: SubscriptionSource,
  from: LogPosition | null,
  handler: SubscriptionHandler,
  options: SubscribeOptions = {},
): Subscription {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const onError = options.onError ?? (() => undefined);
  const alarm = new Alarm();
  const listener = source.listen?.(() => alarm.ring(), onError);
  let stopping = false;

  const run = async (): Promise<void> => {
    let checkpoint = from;
    while (!stopping) {
      // Rings that arrive from here on mean "look again", even if this read finds nothing.
      alarm.reset();
      let page: ReadAllResult;
      try {
        page = await source.readAll(checkpoint, batchSize);
      } catch (error) {
        onError(error);
        await alarm.sleep(pollIntervalMs);
        continue;
      }
      if (page.events.length === 0) {
        await alarm.sleep(pollIntervalMs);
        continue;
      }
      await handler(page.events);
      checkpoint = page.checkpoint;
    }
  };

  const done = run().finally(() => listener?.close());
  // The caller may never look at `done`; a handler failure must not become an unhandled
  // rejection that kills the process. Awaiting `done` still sees the rejection.
  done.catch(() => undefined);

  return {
    done,
    stop: async () => {
      stopping = true;
      alarm.ring();
      await done.catch(() => undefined);
    },
  };
}

/** A sleep that a ring cuts short; a ring while nobody sleeps makes the next sleep instant. */
class Alarm {
  private rung = false;
  private wakeSleeper: (() => void) | null = null;

  ring(): void {
    this.rung = true;
    this.wakeSleeper?.();
  }

  reset(): void {
    this.rung = false;
  }

  sleep(ms: number): Promise<void> {
    if (this.rung) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.wakeSleeper = null;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wakeSleeper = finish;
    });
  }
}
