export * from './shared';
export * from './engine';
export * from './inputs';
