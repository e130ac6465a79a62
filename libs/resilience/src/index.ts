// Import as `@cvf/resilience`. How every component waits before trying again; imports nothing
// of ours, so the lowest lib (the event store) may use it as freely as the apps.
export { type Backoff, type BackoffPolicy, exponentialBackoff } from './backoff';
export { retrying, type RetryOptions, sleep } from './retrying';
