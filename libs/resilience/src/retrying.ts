import { type Backoff } from './backoff';

export interface RetryOptions {
  readonly backoff: Backoff;
  /** Stops the retrying: a pause ends at once and the latest failure is thrown. */
  readonly signal?: AbortSignal;
  /** Told each failure that will be retried, with the pause before the next attempt. */
  readonly onFailure?: (error: unknown, delayMs: number, attempt: number) => void;
}

/**
 * Runs `attempt` until it succeeds, pausing `backoff(n)` after the n-th failure in a row.
 * It never gives up by itself: only `signal` ends it (the caller is shutting down), with the
 * latest failure, so that nothing downstream mistakes an abandoned attempt for a success.
 */
export async function retrying<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let failures = 1; ; failures++) {
    try {
      return await attempt();
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const delayMs = options.backoff(failures);
      options.onFailure?.(error, delayMs, failures);
      await sleep(delayMs, options.signal);
      if (options.signal?.aborted) throw error;
    }
  }
}

/** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
