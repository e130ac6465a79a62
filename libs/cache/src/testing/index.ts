// Test support of this library for other packages' specs and the benchmarks (`@cvf/cache/testing`).
export * from './company-history';
export * from './fixtures';
export * from './oracle';
export * from './spy-read-model';
export * from './test-env';
export * from './worked-example';
