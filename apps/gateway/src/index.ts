// What a composition root (all-in-one, the whole-system test stack) reuses from the gateway.
export { GatewayModule } from './gateway.module';
