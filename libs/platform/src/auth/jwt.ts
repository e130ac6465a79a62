import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { createLocalJWKSet, importSPKI, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { readFileSync } from 'node:fs';
import { type AppConfig } from '../config';
import { APP_CONFIG } from '../nest/tokens';
import { isRole, type Principal } from './principal';

/** The leeway on `exp` and `nbf` for clocks that disagree a little. */
export const JWT_CLOCK_SKEW_SECONDS = 30;

type VerificationKey =
  | { readonly kind: 'secret'; readonly key: Uint8Array; readonly algorithms: string[] }
  | {
      readonly kind: 'public';
      readonly key: Awaited<ReturnType<typeof importSPKI>>;
      readonly algorithms: string[];
    }
  | { readonly kind: 'jwks'; readonly key: JWTVerifyGetKey; readonly algorithms: string[] };

/**
 * JWTs from the fund's identity provider, verified locally (no call per request): HS256
 * with JWT_SECRET, or RS256/ES256 with the public key or JWKS in JWT_PUBLIC_KEY_FILE.
 * Issuer and audience must match; `sub`, `cvf_role` and (for role company) `company_id`
 * are required claims. Without JWT configuration no JWT verifies.
 */
@Injectable()
export class JwtVerifier implements OnModuleInit {
  private key: VerificationKey | null = null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** A key file that cannot be read or parsed stops the boot, naming the variable. */
  async onModuleInit(): Promise<void> {
    try {
      this.key = await loadKey(this.config);
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
    const key = this.key;
    if (key === null) return null;
    const jwt = this.config.auth.jwt;
    if (jwt === null) return null;
    const options = {
      issuer: jwt.issuer,
      audience: jwt.audience,
      clockTolerance: JWT_CLOCK_SKEW_SECONDS,
      algorithms: key.algorithms,
      requiredClaims: ['sub', 'exp'],
    };
    try {
      const { payload } =
        key.kind === 'jwks'
          ? await jwtVerify(token, key.key, options)
          : await jwtVerify(token, key.key, options);
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

async function loadKey(config: AppConfig): Promise<VerificationKey | null> {
  const jwt = config.auth.jwt;
  if (jwt === null) return null;
  if ('secret' in jwt.key) {
    return {
      kind: 'secret',
      key: new TextEncoder().encode(jwt.key.secret),
      algorithms: ['HS256'],
    };
  }
  const text = readFileSync(jwt.key.publicKeyFile, 'utf8').trim();
  if (text.startsWith('{')) {
    const jwks = JSON.parse(text) as Parameters<typeof createLocalJWKSet>[0];
    return { kind: 'jwks', key: createLocalJWKSet(jwks), algorithms: ['RS256', 'ES256'] };
  }
  // A PEM public key names no algorithm: RSA keys verify RS256, EC keys ES256.
  const algorithm = text.includes('BEGIN PUBLIC KEY') && isEcKey(text) ? 'ES256' : 'RS256';
  return { kind: 'public', key: await importSPKI(text, algorithm), algorithms: [algorithm] };
}

function isEcKey(pem: string): boolean {
  // The SPKI of an EC key carries the id-ecPublicKey OID 1.2.840.10045.2.1 (2a8648ce3d0201).
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  return der.includes(Buffer.from('2a8648ce3d0201', 'hex'));
}
