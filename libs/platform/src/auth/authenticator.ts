import { Inject, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { type AppConfig } from '../config';
import { APP_CONFIG } from '../nest/tokens';
import { ApiKeys, sha256 } from './api-keys';
import { JwtVerifier } from './jwt';
import { type Principal } from './principal';

/** The principal of the configured first admin key (CVF_ADMIN_KEY). */
export const CONFIG_ADMIN: Principal = {
  id: 'config-admin',
  kind: 'api_key',
  role: 'admin',
  companyId: null,
};

/**
 * A bearer token → its principal, or null. Tried in order: the configured admin key
 * (compared in constant time), API keys (PostgreSQL, one-second cache), JWTs (verified
 * locally against the configured key).
 */
@Injectable()
export class Authenticator {
  private readonly adminKeyHash: Buffer | null;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly apiKeys: ApiKeys,
    private readonly jwt: JwtVerifier,
  ) {
    this.adminKeyHash = config.auth.adminKey === null ? null : sha256(config.auth.adminKey);
  }

  async authenticate(token: string): Promise<Principal | null> {
    if (this.adminKeyHash !== null && timingSafeEqual(sha256(token), this.adminKeyHash)) {
      return CONFIG_ADMIN;
    }
    return (await this.apiKeys.verify(token)) ?? (await this.jwt.verify(token));
  }
}
