import { type MigrationSet } from '@cvf/event-store';

/** Tables the ingest service owns beside the event log. */
export const INGEST_MIGRATIONS: MigrationSet = {
  name: 'ingest',
  migrations: [
    {
      id: '001-idempotency-keys',
      sql: `
        CREATE SCHEMA IF NOT EXISTS ingest;
        CREATE TABLE ingest.idempotency_keys (
          key             text        NOT NULL,
          scope           text        NOT NULL,
          request_hash    text        NOT NULL,
          state           text        NOT NULL CHECK (state IN ('in_flight', 'done')),
          response_status integer,
          response_body   jsonb,
          created_at      timestamptz NOT NULL DEFAULT now(),
          expires_at      timestamptz NOT NULL,
          PRIMARY KEY (scope, key)
        );
        CREATE INDEX idempotency_keys_expiry ON ingest.idempotency_keys (expires_at);`,
    },
    {
      id: '002-webhooks',
      sql: `
        -- Signing secrets live here, never in the event log (the log is immutable and copied
        -- to read models and Kafka, so a secret there could never be rotated out).
        CREATE TABLE ingest.webhook_secrets (
          company_id  text        NOT NULL,
          secret_id   text        NOT NULL,
          secret      text        NOT NULL,
          created_at  timestamptz NOT NULL DEFAULT now(),
          revoked_at  timestamptz,
          PRIMARY KEY (company_id, secret_id)
        );
        -- Processed webhook deliveries, so a replay is answered without touching the log.
        CREATE TABLE ingest.webhook_deliveries (
          company_id   text        NOT NULL,
          provider     text        NOT NULL,
          event_id     text        NOT NULL,
          received_at  timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (company_id, provider, event_id)
        );`,
    },
    {
      id: '003-webhook-delivery-outcomes',
      sql: `
        -- What each delivery did (recorded, ignored and why), so operations can find the
        -- events that were acknowledged without changing a payment.
        ALTER TABLE ingest.webhook_deliveries
          ADD COLUMN event_type text NOT NULL DEFAULT '',
          ADD COLUMN outcome    text NOT NULL DEFAULT '';`,
    },
    {
      id: '004-sealed-webhook-secrets',
      sql: `
        -- Secrets at rest are sealed (AES-256-GCM under SECRET_KEY, key id in the text); the
        -- plain column empties as WebhookSecrets seals the rows it finds there at start.
        ALTER TABLE ingest.webhook_secrets
          ADD COLUMN sealed text,
          ALTER COLUMN secret DROP NOT NULL,
          ADD CONSTRAINT webhook_secret_kept CHECK (secret IS NOT NULL OR sealed IS NOT NULL);`,
    },
    {
      id: '005-delivery-log',
      sql: `
        -- Every signed delivery is kept with what came of it (recorded, duplicate, ignored,
        -- rejected, or deferred: answered 409 for the sender to retry), the body as received
        -- (so it can be replayed after a fix) and the payment it concerned.
        ALTER TABLE ingest.webhook_deliveries
          ADD COLUMN reason           text,
          ADD COLUMN payment_id       text,
          ADD COLUMN body             text,
          ADD COLUMN deliveries       integer NOT NULL DEFAULT 1,
          ADD COLUMN last_received_at timestamptz NOT NULL DEFAULT now(),
          ADD COLUMN handled_at       timestamptz;
        UPDATE ingest.webhook_deliveries SET
          reason = CASE WHEN strpos(outcome, ':') > 0
                     THEN btrim(substr(outcome, strpos(outcome, ':') + 1)) END,
          outcome = CASE split_part(outcome, ':', 1)
                      WHEN 'already_recorded' THEN 'duplicate'
                      WHEN '' THEN 'recorded'
                      ELSE split_part(outcome, ':', 1) END,
          handled_at = received_at
        WHERE true;
        CREATE INDEX webhook_deliveries_by_time
          ON ingest.webhook_deliveries (company_id, received_at DESC, event_id);
        -- Since when a processor's payment is recorded under the id every event of its
        -- money names (Stripe: the PaymentIntent, else the charge): money that came to be
        -- later is found by that id alone; earlier payments by the id they were recorded
        -- under (the charge's).
        CREATE TABLE ingest.payment_ids_epoch (since timestamptz NOT NULL);
        INSERT INTO ingest.payment_ids_epoch (since) VALUES (now());`,
    },
    {
      id: '006-company-names',
      sql: `
        -- Company names are unique per deployment, case-insensitively: a name is reserved
        -- here for its company before the append that registers or renames it (see
        -- CompanyNames). Names already in the log are reserved once at start; the second
        -- table says that has been done.
        CREATE TABLE ingest.company_names (
          name        text        NOT NULL,
          company_id  text        NOT NULL,
          reserved_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE UNIQUE INDEX company_names_unique ON ingest.company_names (lower(name));
        CREATE INDEX company_names_by_company ON ingest.company_names (company_id);
        CREATE TABLE ingest.company_names_from_log (reserved_at timestamptz NOT NULL);`,
    },
  ],
};
