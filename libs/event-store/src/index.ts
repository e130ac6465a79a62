export * from './event-store.port';
export {
  DuplicateEventIdError,
  InvalidLogPositionError,
  WrongExpectedVersionError,
} from './errors';
export { comparePositions, decodePosition, encodePosition, positionOf } from './log-position';
export { PostgresEventStore, type PostgresEventStoreOptions, migrate } from './postgres';
export {
  runMigrations,
  type Migration,
  type MigrationSet,
} from './postgres/migrations/run-migrations';
