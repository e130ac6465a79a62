export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres-event-store';
export { migrate } from './migrations/migrate';
