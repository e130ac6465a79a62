// The worker's test helpers (`@cvf/worker/testing`).
export * from './worker-fleet';
