import { Inject, Injectable } from '@nestjs/common';
import { PG_POOL } from '@cvf/platform';
import { Pool } from 'pg';

export type IdempotencyClaim =
  | { readonly kind: 'claimed' }
  | { readonly kind: 'replay'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'in_flight' }
  | { readonly kind: 'mismatch' };

/**
 * How long a key may stay in flight. A process that dies mid-request cannot release its key;
 * after this lease a retry takes the key over instead of hearing 409 until the TTL (24 h).
 * Longer than any request runs (a 200 MB upload takes minutes here), so a live request is
 * never run twice because of it.
 */
export const IN_FLIGHT_LEASE_SECONDS = 600;

/**
 * Idempotency keys (NOTES.md): the first response per (scope, key) is stored for the TTL; a
 * repeat with the same request gets it back, with a different request 422, while the first
 * is still running 409. Server failures release the key so the client can retry.
 */
@Injectable()
export class IdempotencyStore {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async claim(
    scope: string,
    key: string,
    requestHash: string,
    ttlSeconds: number,
  ): Promise<IdempotencyClaim> {
    // Expired keys are gone for good, and so is a claim whose process died in flight: delete
    // lazily on the key being claimed.
    await this.pool.query(
      `DELETE FROM ingest.idempotency_keys
       WHERE scope = $1 AND key = $2
         AND (expires_at < now()
              OR (state = 'in_flight' AND created_at < now() - make_interval(secs => $3)))`,
      [scope, key, IN_FLIGHT_LEASE_SECONDS],
    );
    const inserted = await this.pool.query(
      `INSERT INTO ingest.idempotency_keys (scope, key, request_hash, state, expires_at)
       VALUES ($1, $2, $3, 'in_flight', now() + make_interval(secs => $4))
       ON CONFLICT DO NOTHING`,
      [scope, key, requestHash, ttlSeconds],
    );
    if (inserted.rowCount === 1) return { kind: 'claimed' };
    const existing = await this.pool.query<{
      request_hash: string;
      state: string;
      response_status: number | null;
      response_body: unknown;
    }>(
      `SELECT request_hash, state, response_status, response_body FROM ingest.idempotency_keys WHERE scope = $1 AND key = $2`,
      [scope, key],
    );
    const row = existing.rows[0];
    if (!row) return this.claim(scope, key, requestHash, ttlSeconds); // released meanwhile
    if (row.request_hash !== requestHash) return { kind: 'mismatch' };
    if (row.state === 'in_flight' || row.response_status === null) return { kind: 'in_flight' };
    return { kind: 'replay', status: row.response_status, body: row.response_body };
  }

  async complete(scope: string, key: string, status: number, body: unknown): Promise<void> {
    await this.pool.query(
      `UPDATE ingest.idempotency_keys SET state = 'done', response_status = $3, response_body = $4
       WHERE scope = $1 AND key = $2`,
      [scope, key, status, JSON.stringify(body ?? null)],
    );
  }

  async release(scope: string, key: string): Promise<void> {
    await this.pool.query(
      `DELETE FROM ingest.idempotency_keys WHERE scope = $1 AND key = $2 AND state = 'in_flight'`,
      [scope, key],
    );
  }

  /** Housekeeping: drops expired keys; returns how many. */
  async purgeExpired(): Promise<number> {
    const result = await this.pool.query(
      `DELETE FROM ingest.idempotency_keys WHERE expires_at < now()`,
    );
    return result.rowCount ?? 0;
  }
}
