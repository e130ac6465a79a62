import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PG_POOL, SECRET_BOX, type SecretBox } from '@cvf/platform';
import { Pool } from 'pg';

/** How long a company's opened secrets are reused (as API-key verifications are). */
const ACTIVE_FOR_MS = 1_000;

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
  private readonly recent = new Map<string, { secrets: readonly string[]; until: number }>();

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
    this.recent.delete(companyId);
    const sealed = this.box.seal(secret, sealContext(companyId, secretId));
    const result = await this.pool.query<{ created_at: Date }>(
      `INSERT INTO ingest.webhook_secrets (company_id, secret_id, sealed)
       VALUES ($1, $2, $3) RETURNING created_at`,
      [companyId, secretId, sealed],
    );
    this.recent.delete(companyId);
    return { secret_id: secretId, created_at: iso(result.rows[0]?.created_at), revoked_at: null };
  }

  /** Revokes an active secret; returns when, or null if there was no such active secret. */
  async revoke(companyId: string, secretId: string): Promise<string | null> {
    this.recent.delete(companyId);
    const result = await this.pool.query<{ revoked_at: Date }>(
      `UPDATE ingest.webhook_secrets SET revoked_at = now()
       WHERE company_id = $1 AND secret_id = $2 AND revoked_at IS NULL
       RETURNING revoked_at`,
      [companyId, secretId],
    );
    // Again after the write: a delivery may have read the secrets in between.
    this.recent.delete(companyId);
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

  /**
   * The company's secrets that verify, opened. Kept for ACTIVE_FOR_MS (a busy endpoint
   * costs no query per delivery): a secret added or revoked here counts at once, one added
   * or revoked through another process within that time.
   */
  async active(companyId: string): Promise<readonly string[]> {
    const kept = this.recent.get(companyId);
    if (kept !== undefined && kept.until > Date.now()) return kept.secrets;
    const secrets = await this.load(companyId);
    if (this.recent.size >= 10_000) this.recent.clear();
    this.recent.set(companyId, { secrets, until: Date.now() + ACTIVE_FOR_MS });
    return secrets;
  }

  private async load(companyId: string): Promise<string[]> {
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

export const DELIVERY_OUTCOMES = [
  'recorded',
  'duplicate',
  'ignored',
  'rejected',
  'deferred',
] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

export interface DeliveryRecord {
  readonly provider: string;
  readonly event_id: string;
  readonly event_type: string;
  /** When it first arrived; `last_received_at` the latest of `deliveries` arrivals. */
  readonly received_at: string;
  readonly last_received_at: string;
  readonly deliveries: number;
  readonly outcome: DeliveryOutcome;
  readonly reason: string | null;
  /** The payment it recorded or changed (or would have), when it names one. */
  readonly payment_id: string | null;
  /** When the outcome was decided (a replay decides again). */
  readonly handled_at: string | null;
}

interface DeliveryRow {
  provider: string;
  event_id: string;
  event_type: string;
  received_at: Date;
  last_received_at: Date;
  deliveries: number;
  outcome: DeliveryOutcome;
  reason: string | null;
  payment_id: string | null;
  handled_at: Date | null;
}

const DELIVERY_COLUMNS = `provider, event_id, event_type, received_at, last_received_at, deliveries,
  outcome, reason, payment_id, handled_at`;

/**
 * The delivery log (ingest.webhook_deliveries): every signed delivery of a processor event,
 * its body as received and what came of it. An event handled once is a duplicate when it
 * comes again (answered from here, nothing re-applied); a deferred one (a refund before its
 * charge: answered 409) is handled again on the sender's retry.
 */
@Injectable()
export class WebhookDeliveries {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** The delivery as logged (without its body), or null when it never arrived. */
  async find(delivery: Delivery): Promise<DeliveryRecord | null> {
    const result = await this.pool.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM ingest.webhook_deliveries
       WHERE company_id = $1 AND provider = $2 AND event_id = $3`,
      [delivery.companyId, delivery.provider, delivery.eventId],
    );
    const row = result.rows[0];
    return row ? recordOf(row) : null;
  }

  /** The body the delivery arrived with (for a replay), or null when none is kept. */
  async bodyOf(delivery: Delivery): Promise<string | null> {
    const result = await this.pool.query<{ body: string | null }>(
      `SELECT body FROM ingest.webhook_deliveries
       WHERE company_id = $1 AND provider = $2 AND event_id = $3`,
      [delivery.companyId, delivery.provider, delivery.eventId],
    );
    return result.rows[0]?.body ?? null;
  }

  /** One more arrival of a delivery already handled. */
  async arrivedAgain(delivery: Delivery): Promise<void> {
    await this.pool.query(
      `UPDATE ingest.webhook_deliveries SET deliveries = deliveries + 1, last_received_at = now()
       WHERE company_id = $1 AND provider = $2 AND event_id = $3`,
      [delivery.companyId, delivery.provider, delivery.eventId],
    );
  }

  /**
   * What came of a delivery (its first arrival, a retry of a deferred one, or a replay).
   * `arrival` false for a replay: the counts of arrivals stay as they were.
   */
  async record(
    delivery: Delivery,
    entry: {
      readonly eventType: string;
      readonly body: string;
      readonly outcome: DeliveryOutcome;
      readonly reason: string | null;
      readonly paymentId: string | null;
      readonly arrival: boolean;
    },
  ): Promise<void> {
    await this.pool.query(
      `INSERT INTO ingest.webhook_deliveries AS d (company_id, provider, event_id, event_type,
         body, outcome, reason, payment_id, handled_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
       ON CONFLICT (company_id, provider, event_id) DO UPDATE SET
         outcome = EXCLUDED.outcome, reason = EXCLUDED.reason,
         payment_id = COALESCE(EXCLUDED.payment_id, d.payment_id),
         body = COALESCE(d.body, EXCLUDED.body), handled_at = now(),
         deliveries = d.deliveries + CASE WHEN $9 THEN 1 ELSE 0 END,
         last_received_at = CASE WHEN $9 THEN now() ELSE d.last_received_at END`,
      [
        delivery.companyId,
        delivery.provider,
        delivery.eventId,
        entry.eventType,
        entry.body,
        entry.outcome,
        entry.reason,
        entry.paymentId,
        entry.arrival,
      ],
    );
  }

  /**
   * A page of a company's deliveries, newest first, after the (received_at, event_id) of the
   * previous page's last; `limit + 1` rows so the caller knows whether there is more.
   */
  async list(
    companyId: string,
    filter: { readonly outcome?: DeliveryOutcome; readonly provider?: string },
    page: {
      readonly after: { receivedAt: string; eventId: string } | null;
      readonly limit: number;
    },
  ): Promise<DeliveryRecord[]> {
    const result = await this.pool.query<DeliveryRow>(
      `SELECT ${DELIVERY_COLUMNS} FROM ingest.webhook_deliveries
       WHERE company_id = $1 AND ($2::text IS NULL OR outcome = $2)
         AND ($3::text IS NULL OR provider = $3)
         AND ($4::timestamptz IS NULL OR (received_at, event_id) < ($4::timestamptz, $5::text))
       ORDER BY received_at DESC, event_id DESC
       LIMIT $6`,
      [
        companyId,
        filter.outcome ?? null,
        filter.provider ?? null,
        page.after?.receivedAt ?? null,
        page.after?.eventId ?? null,
        page.limit + 1,
      ],
    );
    return result.rows.map(recordOf);
  }
}

function recordOf(row: DeliveryRow): DeliveryRecord {
  return {
    provider: row.provider,
    event_id: row.event_id,
    event_type: row.event_type,
    received_at: row.received_at.toISOString(),
    last_received_at: row.last_received_at.toISOString(),
    deliveries: row.deliveries,
    outcome: row.outcome,
    reason: row.reason,
    payment_id: row.payment_id,
    handled_at: row.handled_at?.toISOString() ?? null,
  };
}

/**
 * Since when processor payments are recorded under the id every event of their money names
 * (ingest.payment_ids_epoch): money that came to be later needs no lookup to be found.
 */
@Injectable()
export class PaymentIdEpoch {
  private epoch: Promise<number> | null = null;

  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** ms since the Unix epoch; read once. */
  since(): Promise<number> {
    this.epoch ??= this.pool
      .query<{ since: Date }>('SELECT min(since) AS since FROM ingest.payment_ids_epoch')
      .then((result) => result.rows[0]?.since?.getTime() ?? 0)
      .catch((error: unknown) => {
        this.epoch = null;
        throw error;
      });
    return this.epoch;
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
