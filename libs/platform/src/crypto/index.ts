import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { parseSecretKeys, SecretBox } from './secret-box';

export * from './secret-box';

/** The process's SecretBox (from SECRET_KEY), bound by the DatabaseModule. */
export const SECRET_BOX = Symbol.for('cvf.SecretBox');

/**
 * The development key: what an embedded, non-production process seals with when SECRET_KEY
 * is unset (configuration refuses that in distributed mode and in production). Fixed, so a
 * restarted demo still opens what it sealed; known to everyone, so it protects nothing.
 */
const DEVELOPMENT_KEY = `dev:${createHash('sha256')
  .update('cvf development secret key: not for production')
  .digest('base64')}`;

/** The SecretBox for SECRET_KEY's value, or the development key (with a warning) if unset. */
export function secretBoxOf(secretKeys: string | null): SecretBox {
  if (secretKeys === null) {
    new Logger('SecretBox').warn(
      'SECRET_KEY is unset: webhook secrets are sealed under the public development key; set ' +
        'SECRET_KEY (e.g. k1:<32 random bytes in base64>) for anything but a local demo',
    );
  }
  return new SecretBox(parseSecretKeys(secretKeys ?? DEVELOPMENT_KEY));
}
