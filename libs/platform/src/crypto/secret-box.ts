import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (webhook signing secrets): AES-256-GCM under a key named by its id, so
 * keys can rotate. Sealed text is `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts).
 * `context` is authenticated with the ciphertext (GCM additional data): a sealed secret
 * copied to another company's row does not open there.
 *
 * Keys come from SECRET_KEY as `<id>:<base64 of 32 bytes>[,<id>:<key>…]`: the first seals,
 * every one listed opens, so a rotation lists the new key first and keeps the old one until
 * every row is resealed (which `needsReseal` tells).
 */
export interface SecretKey {
  readonly id: string;
  readonly key: Buffer;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const VERSION = 'v1';

export class SecretKeyError extends Error {}

/** Parses SECRET_KEY; throws SecretKeyError naming what is wrong (never the key itself). */
export function parseSecretKeys(text: string): SecretKey[] {
  const keys = text.split(',').map((entry, index) => {
    const colon = entry.indexOf(':');
    const id = entry.slice(0, colon).trim();
    const key = Buffer.from(entry.slice(colon + 1).trim(), 'base64');
    if (colon < 1 || !KEY_ID.test(id)) {
      throw new SecretKeyError(
        `key ${index + 1}: must be <id>:<base64 key>, id of A-Z a-z 0-9 _ -`,
      );
    }
    if (key.length !== 32) {
      throw new SecretKeyError(`key ${id}: must be 32 bytes in base64 (got ${key.length})`);
    }
    return { id, key };
  });
  if (new Set(keys.map((k) => k.id)).size !== keys.length) {
    throw new SecretKeyError('key ids must be distinct');
  }
  return keys;
}

/** A fresh SECRET_KEY value with one key (for `npm start` and tests). */
export function generateSecretKey(id = 'k1'): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

export class SecretBox {
  private readonly byId: ReadonlyMap<string, Buffer>;
  private readonly current: SecretKey;

  constructor(keys: readonly SecretKey[]) {
    const [current] = keys;
    if (current === undefined) throw new SecretKeyError('at least one key is needed');
    this.current = current;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url'));
    return [VERSION, this.current.id, ...parts].join('.');
  }

  /** The plaintext; throws when the key is unknown or the text or context was altered. */
  open(sealed: string, context: string): string {
    const [version, keyId, iv, tag, ciphertext, ...rest] = sealed.split('.');
    const key = keyId === undefined ? undefined : this.byId.get(keyId);
    if (version !== VERSION || rest.length > 0 || iv === undefined || tag === undefined) {
      throw new SecretKeyError('not a sealed secret');
    }
    if (key === undefined || ciphertext === undefined) {
      throw new SecretKeyError(`sealed under key ${keyId ?? '?'}, which SECRET_KEY does not list`);
    }
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(ciphertext, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }

  /** True when the text is sealed under another key than the current one. */
  needsReseal(sealed: string): boolean {
    return sealed.split('.')[1] !== this.current.id;
  }
}
