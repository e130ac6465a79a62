import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { createLocalJWKSet, importSPKI, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type AppConfig } from '../config';
import { APP_CONFIG } from '../nest/tokens';
import { isRole, type Principal } from './principal';

/** The leeway on `exp` and `nbf` for clocks that disagree a little. */
export const JWT_CLOCK_SKEW_SECONDS = 30;

/** How tokens are checked: issuer, audience, and the key (one, or a JWKS by key id). */
interface Verification {
  readonly issuer: string;
  readonly audience: string;
  readonly getKey: JWTVerifyGetKey;
  readonly algorithms: string[];
}

/**
 * JWTs from the fund's identity provider, verified locally (no call per request): HS256
 * with JWT_SECRET, or RS256/ES256 with the public key or JWKS in JWT_PUBLIC_KEY_FILE.
 * Issuer and audience must match; `sub`, `cvf_role` and (for role company) `company_id`
 * are required claims. Without JWT configuration no JWT verifies.
 */
@Injectable()
export class JwtVerifier implements OnModuleInit {
  private verification: Verification | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** A key file that cannot be read or parsed stops the boot, naming the variable. */
  async onModuleInit(): Promise<void> {
    try {
      this.verification = await loadVerification(this.config);
    } catch (error) {
      throw new Error(
        `JWT_PUBLIC_KEY_FILE: cannot use it as a PEM public key or a JWKS (${
          error instanceof Error ? error.message : String(error)
        })`,
        { cause: error },
      );
    }
  }

  async verify(token: string): Promise<Principal | null> {
    if (token.split('.').length !== 3) return null;
    const verification = this.verification;
    if (verification === null) return null;
    try {
      const { payload } = await jwtVerify(token, verification.getKey, {
        issuer: verification.issuer,
        audience: verification.audience,
        clockTolerance: JWT_CLOCK_SKEW_SECONDS,
        algorithms: verification.algorithms,
        requiredClaims: ['sub', 'exp'],
      });
      const role: unknown = payload.cvf_role;
      const companyId: unknown = payload.company_id ?? null;
      if (typeof payload.sub !== 'string' || !isRole(role)) return null;
      if (role === 'company' ? typeof companyId !== 'string' : companyId !== null) return null;
      return { id: payload.sub, kind: 'jwt', role, companyId: companyId as string | null };
    } catch {
      // Expired, not yet valid, wrong issuer/audience, bad signature, malformed: all 401.
      return null;
    }
  }
}

async function loadVerification(config: AppConfig): Promise<Verification | null> {
  const jwt = config.auth.jwt;
  if (jwt === null) return null;
  const named = { issuer: jwt.issuer, audience: jwt.audience };
  if ('secret' in jwt.key) {
    const secret = new TextEncoder().encode(jwt.key.secret);
    return { ...named, getKey: () => secret, algorithms: ['HS256'] };
  }
  const text = readFileSync(jwt.key.publicKeyFile, 'utf8').trim();
  if (text.startsWith('{')) {
    const jwks = JSON.parse(text) as Parameters<typeof createLocalJWKSet>[0];
    return { ...named, getKey: createLocalJWKSet(jwks), algorithms: ['RS256', 'ES256'] };
  }
  // A PEM public key names no algorithm: RSA keys verify RS256, EC keys ES256.
  const algorithm = createPublicKey(text).asymmetricKeyType === 'ec' ? 'ES256' : 'RS256';
  const key = await importSPKI(text, algorithm);
  return { ...named, getKey: () => key, algorithms: [algorithm] };
}
