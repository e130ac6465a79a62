export * from './config';
export * from './csv/csv-rows';
export * from './domain-events';
export * from './http/problem.filter';
export * from './nest/tokens';
export * from './nest/database.module';
export * from './nest/http-app';
export * from './ensure-database';
