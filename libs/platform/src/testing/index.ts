// Test support of this library for other packages' specs and the benchmarks (`@cvf/platform/testing`).
export * from './app-process';
export * from './random';
export * from './credentials';
export * from './front-door-off';
export * from './openapi-contract';
export * from './contract-check';
export * from './contract-client';
