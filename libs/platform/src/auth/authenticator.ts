import { Inject, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { type AppConfig } from '../config';
import { APP_CONFIG } from '../nest/tokens';
import { sha256Bytes } from '../hashing';
import { ApiKeys } from './api-keys';
import { JwtVerifier } from './jwt';
import { type Principal } from './principal';

/** The principal of the configured first admin key (CVF_ADMIN_KEY). */
export const CONFIG_ADMIN: Principal = {
  id: 'config-admin',
  kind: 'api_key',
  role: 'admin',
  companyId: null,
};

/** How long a verification may be reused: a revoked key stops working within this. */
export const VERIFIED_FOR_MS = 1_000;
const MAX_REMEMBERED = 10_000;

/**
 * A bearer token → its principal, or null. Tried in order: the configured admin key
 * (compared in constant time), API keys (PostgreSQL), JWTs (verified locally against the
 * configured key). An answer, yes or no, is reused for at most VERIFIED_FOR_MS: a request
 * of a busy client costs one map lookup, a revocation holds within a second, and an
 * unknown token is not a query per request.
 */
@Injectable()
export class Authenticator {
  private readonly adminKeyHash: Buffer | null;
  private readonly recent = new Map<string, { principal: Principal | null; until: number }>();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly apiKeys: ApiKeys,
    private readonly jwt: JwtVerifier,
  ) {
    this.adminKeyHash = config.auth.adminKey === null ? null : sha256Bytes(config.auth.adminKey);
  }

  /** The answer of the last second for this token, if there is one (no I/O, no await). */
  remembered(token: string): Principal | null | undefined {
    const hit = this.recent.get(token);
    if (hit === undefined) return undefined;
    if (hit.until > Date.now()) return hit.principal;
    this.recent.delete(token);
    return undefined;
  }

  async authenticate(token: string): Promise<Principal | null> {
    const remembered = this.remembered(token);
    if (remembered !== undefined) return remembered;
    const principal = await this.verify(token);
    if (this.recent.size >= MAX_REMEMBERED) this.recent.clear();
    this.recent.set(token, { principal, until: Date.now() + VERIFIED_FOR_MS });
    return principal;
  }

  private async verify(token: string): Promise<Principal | null> {
    if (this.adminKeyHash !== null && timingSafeEqual(sha256Bytes(token), this.adminKeyHash)) {
      return CONFIG_ADMIN;
    }
    return (await this.apiKeys.verify(token)) ?? (await this.jwt.verify(token));
  }
}
