export * from './message';
export * from './decider';
export * from './company-events';
export * from './payment-events';
export * from './domain-event';
export * from './envelope';
export * from './schema';
export * from './errors';
export * from './stream-ids';
export * from './derived-ids';
// Field parsers under one name: `month`, `text`, … would be too generic at the top level.
export * as wire from './wire';
export { validateFields, type Parsed } from './wire';
