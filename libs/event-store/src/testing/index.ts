// Test support for adapters and for code that uses the store: not exported from the
// library's main entry so production bundles never load jest globals.
export { eventStoreContract, type EventStoreUnderTest } from './event-store.contract';
export * from './fixtures';
