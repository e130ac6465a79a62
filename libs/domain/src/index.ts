export * from './shared';
export * from './engine';
export * from './inputs';
export * from './events';
export * from './company';
export * from './payment';
