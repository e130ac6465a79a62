// Who may do what (ARCHITECTURE.md): principals, route policies, credentials, the guards.
export * from './principal';
export * from './caller';
export * from './route-policy';
export * from './api-keys';
export * from './authenticator';
export * from './jwt';
export * from './auth.guard';
export * from './route-policies.check';
export * from './rate-limit';
export * from './auth.module';
