// The gateway's test helpers for specs elsewhere and the benchmarks (`@cvf/gateway/testing`).
export * from './gateway-http';
export * from './gateway-test-app';
export * from './sse-reader';
export * from './tag-watcher';
export * from './worked-example';
// The cached-cashflows route, whose front door the gateway bench switches off to price it.
export { CashflowsController } from '../cashflows/cashflows.controller';
