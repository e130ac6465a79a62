export * from './fields';
export * from './tables';
export * from './dataset';
