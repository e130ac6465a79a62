import { exponentialBackoff, retrying, sleep } from './index';

describe('exponentialBackoff', () => {
  it('doubles from the first pause up to the cap', () => {
    const backoff = exponentialBackoff({ firstMs: 500, maxMs: 60_000 });
    expect([1, 2, 3, 4, 7, 8, 9, 10_000].map(backoff)).toEqual([
      500, 1_000, 2_000, 4_000, 32_000, 60_000, 60_000, 60_000,
    ]);
  });

  it('waits the first pause for attempts below 1', () => {
    const backoff = exponentialBackoff({ firstMs: 200, maxMs: 5_000 });
    expect([0, -3].map(backoff)).toEqual([200, 200]);
  });

  it('refuses a cap below the first pause', () => {
    expect(() => exponentialBackoff({ firstMs: 500, maxMs: 100 })).toThrow(RangeError);
  });
});

describe('retrying', () => {
  const failingTimes = (failures: number) => {
    let calls = 0;
    return {
      attempt: () =>
        ++calls > failures ? Promise.resolve(calls) : Promise.reject(new Error(`#${calls}`)),
      calls: () => calls,
    };
  };

  it('given failures, then it retries with the policy pauses until the attempt succeeds', async () => {
    const flaky = failingTimes(3);
    const told: [string, number, number][] = [];
    const result = await retrying(flaky.attempt, {
      backoff: exponentialBackoff({ firstMs: 1, maxMs: 3 }),
      onFailure: (error, delayMs, attempt) => told.push([String(error), delayMs, attempt]),
    });
    expect(result).toBe(4);
    expect(told).toEqual([
      ['Error: #1', 1, 1],
      ['Error: #2', 2, 2],
      ['Error: #3', 3, 3],
    ]);
  });

  it('given an abort during a pause, then it stops at once with the latest failure', async () => {
    const flaky = failingTimes(Infinity);
    const stop = new AbortController();
    const started = Date.now();
    const outcome = retrying(flaky.attempt, {
      backoff: () => 60_000,
      signal: stop.signal,
      onFailure: () => stop.abort(),
    });
    await expect(outcome).rejects.toThrow('#1');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(flaky.calls()).toBe(1);
  });

  it('given an abort before a failure, then that failure is thrown without a pause', async () => {
    const stop = new AbortController();
    stop.abort();
    const onFailure = jest.fn();
    await expect(
      retrying(() => Promise.reject(new Error('down')), {
        backoff: () => 60_000,
        signal: stop.signal,
        onFailure,
      }),
    ).rejects.toThrow('down');
    expect(onFailure).not.toHaveBeenCalled();
  });
});

describe('sleep', () => {
  it('ends early when its signal aborts', async () => {
    const stop = new AbortController();
    const started = Date.now();
    const slept = sleep(60_000, stop.signal);
    stop.abort();
    await slept;
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
