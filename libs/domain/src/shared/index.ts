export * from './money';
export * from './month';
