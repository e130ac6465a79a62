// Test support of this library for other packages' specs and the benchmarks (`@cvf/messaging/testing`).
export * from './kafka-test-support';
export * from './own-broker';
export * from './portfolio-events';
export * from './projection-check';
