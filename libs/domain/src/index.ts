export * from './shared';
export * from './engine';
