import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PG_POOL, SECRET_BOX, type SecretBox } from '@cvf/platform';
import { Pool } from 'pg';

export interface WebhookSecretInfo {
  readonly secret_id: string;
  readonly created_at: string;
  readonly revoked_at: string | null;
}

/**
 * Signing secrets (ingest.webhook_secrets). They stay out of the event log, which is
 * immutable and copied everywhere; the log names them by id only. At rest they are sealed
 * (SecretBox: AES-256-GCM under SECRET_KEY, bound to company and secret id). Every secret
 * not revoked verifies: that is what makes a rotation (add the new one, switch the sender,
 * revoke the old one) lose no delivery. At start, rows still in plain text (from before
 * sealing) or sealed under an older key are sealed under the current one.
 */
@Injectable()
export class WebhookSecrets implements OnApplicationBootstrap {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { rows } = await this.pool.query<{
      company_id: string;
      secret_id: string;
      secret: string | null;
      sealed: string | null;
    }>(
      `SELECT company_id, secret_id, secret, sealed FROM ingest.webhook_secrets
       WHERE secret IS NOT NULL OR sealed IS NOT NULL`,
    );
    for (const row of rows) {
      const context = sealContext(row.company_id, row.secret_id);
      if (row.sealed !== null && !this.box.needsReseal(row.sealed)) continue;
      const plain = row.secret ?? this.box.open(row.sealed ?? '', context);
      await this.pool.query(
        `UPDATE ingest.webhook_secrets SET sealed = $3, secret = NULL
         WHERE company_id = $1 AND secret_id = $2`,
        [row.company_id, row.secret_id, this.box.seal(plain, context)],
      );
    }
  }

  async add(companyId: string, secretId: string, secret: string): Promise<WebhookSecretInfo> {
    const sealed = this.box.seal(secret, sealContext(companyId, secretId));
    const result = await this.pool.query<{ created_at: Date }>(
      `INSERT INTO ingest.webhook_secrets (company_id, secret_id, sealed)
       VALUES ($1, $2, $3) RETURNING created_at`,
      [companyId, secretId, sealed],
    );
    return { secret_id: secretId, created_at: iso(result.rows[0]?.created_at), revoked_at: null };
  }

  /** Revokes an active secret; returns when, or null if there was no such active secret. */
  async revoke(companyId: string, secretId: string): Promise<string | null> {
    const result = await this.pool.query<{ revoked_at: Date }>(
      `UPDATE ingest.webhook_secrets SET revoked_at = now()
       WHERE company_id = $1 AND secret_id = $2 AND revoked_at IS NULL
       RETURNING revoked_at`,
      [companyId, secretId],
    );
    const row = result.rows[0];
    return row ? iso(row.revoked_at) : null;
  }

  async list(companyId: string): Promise<WebhookSecretInfo[]> {
    const result = await this.pool.query<{
      secret_id: string;
      created_at: Date;
      revoked_at: Date | null;
    }>(
      `SELECT secret_id, created_at, revoked_at FROM ingest.webhook_secrets
       WHERE company_id = $1 ORDER BY created_at, secret_id`,
      [companyId],
    );
    return result.rows.map((row) => ({
      secret_id: row.secret_id,
      created_at: iso(row.created_at),
      revoked_at: row.revoked_at && iso(row.revoked_at),
    }));
  }

  async active(companyId: string): Promise<string[]> {
    const result = await this.pool.query<{
      secret_id: string;
      secret: string | null;
      sealed: string | null;
    }>(
      `SELECT secret_id, secret, sealed FROM ingest.webhook_secrets
       WHERE company_id = $1 AND revoked_at IS NULL`,
      [companyId],
    );
    return result.rows.map((row) =>
      row.sealed !== null
        ? this.box.open(row.sealed, sealContext(companyId, row.secret_id))
        : (row.secret ?? ''),
    );
  }
}

export interface Delivery {
  readonly companyId: string;
  readonly provider: string;
  readonly eventId: string;
}

/**
 * Webhook deliveries already handled (ingest.webhook_deliveries): a replay is answered from
 * here without touching the log. A delivery is stored only once it succeeded, so one that
 * failed (a refund before its charge, say) is processed again when the sender retries.
 */
@Injectable()
export class WebhookDeliveries {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** The outcome a delivery had, or null when it was never handled. */
  async outcomeOf(delivery: Delivery): Promise<string | null> {
    const result = await this.pool.query<{ outcome: string }>(
      `SELECT outcome FROM ingest.webhook_deliveries
       WHERE company_id = $1 AND provider = $2 AND event_id = $3`,
      [delivery.companyId, delivery.provider, delivery.eventId],
    );
    return result.rows[0]?.outcome ?? null;
  }

  async record(delivery: Delivery, eventType: string, outcome: string): Promise<void> {
    // Two concurrent deliveries of one event both end here; the appends they made were
    // idempotent, so the first row stands.
    await this.pool.query(
      `INSERT INTO ingest.webhook_deliveries (company_id, provider, event_id, event_type, outcome)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [delivery.companyId, delivery.provider, delivery.eventId, eventType, outcome],
    );
  }
}

/** What a sealed secret is bound to: it opens only on its own row. */
function sealContext(companyId: string, secretId: string): string {
  return `webhook-secret:${companyId}:${secretId}`;
}

function iso(value: Date | undefined): string {
  if (!value) throw new Error('the database returned no timestamp');
  return value.toISOString();
}
