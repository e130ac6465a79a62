// What a composition root (all-in-one, the CLI, the whole-system test stack) reuses from ingest.
export { IngestModule } from './ingest.module';
export { INGEST_MIGRATIONS } from './ingest.migrations';
export { stripeSignatureHeader, verifyStripeSignature } from './webhooks/stripe/stripe-signature';
