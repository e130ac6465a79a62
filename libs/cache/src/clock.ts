/** The time source, injected so that "this month" and timestamps are testable. */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol.for('cvf.cache.Clock');

export const systemClock: Clock = { now: () => new Date() };
