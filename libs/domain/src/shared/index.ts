export * from './money';
export * from './month';
export * from './text';
export * from './locale';
