import type { EventStore } from '../../event-store.port';

/** Gives the contract's parts the store once `beforeAll` has built it. */
export type StoreAccessor = () => EventStore;
