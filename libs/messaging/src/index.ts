export * from './topics';
export * from './event-codec';
export * from './relay';
export * from './kafka-event-source';
export * from './kafka-alert-publisher';
export * from './messaging.module';
export * from './kafka-probe';
