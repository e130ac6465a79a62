// The ingest service's test helpers (`@cvf/ingest/testing`).
export * from './ingest-http';
export * from './ingest-test-app';
export * from './stripe-events';
