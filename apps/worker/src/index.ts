// What a composition root (all-in-one, the whole-system test stack) reuses from the worker.
export { WorkerModule, WorkerAppModule } from './worker.module';
export { type WorkerConfig, workerConfigFrom } from './worker.config';
