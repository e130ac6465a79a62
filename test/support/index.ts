// Where tests find their services (`@cvf/test-support`). The whole-system stack is its own entry,
// `@cvf/test-support/stack`, so that a spec needing only a database does not load every app.
export * from './services';
export * from './event-store';
export * from './service-selection';
export * from './python-replay';
