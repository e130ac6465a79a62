export * from './config';
export * from './domain-events';
export * from './http/problem.filter';
export * from './nest/tokens';
export * from './nest/database.module';
export * from './nest/http-app';
