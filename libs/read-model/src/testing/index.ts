// Test support of this library for other packages' specs (`@cvf/read-model/testing`).
export * from './company-history';
export * from './events';
export * from './projection-hold';
