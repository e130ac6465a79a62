import { createHmac, timingSafeEqual } from 'node:crypto';
import { type SignatureVerdict, type SignedDelivery } from '../payment-processor';

/**
 * Stripe's webhook signature (NOTES.md): `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`,
 * each v1 an HMAC-SHA256 of `${t}.${raw body}` under a signing secret (the whole `whsec_…`
 * string is the key, as in Stripe's own libraries). Several v1 values appear while Stripe
 * rolls a secret; we accept any of them under any of the company's active secrets, which is
 * how our own rotation works too.
 */
const HEX_SHA256 = /^[0-9a-f]{64}$/i;

export function verifyStripeSignature(check: SignedDelivery): SignatureVerdict {
  if (check.signature === undefined || check.signature.trim() === '') {
    return { ok: false, reason: 'the Stripe-Signature header is missing' };
  }
  let timestamp: string | undefined;
  const signatures: Buffer[] = [];
  for (const item of check.signature.split(',')) {
    const at = item.indexOf('=');
    if (at < 0) continue;
    const key = item.slice(0, at).trim();
    const value = item.slice(at + 1).trim();
    if (key === 't') timestamp = value;
    // Other schemes (v0, test schemes) are never trusted.
    else if (key === 'v1' && HEX_SHA256.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, reason: 'the Stripe-Signature header has no timestamp (t=…)' };
  }
  if (signatures.length === 0) {
    return { ok: false, reason: 'the Stripe-Signature header has no v1 signature' };
  }
  if (Math.abs(check.nowSeconds - Number(timestamp)) > check.toleranceSeconds) {
    return {
      ok: false,
      reason: `the signature timestamp is more than ${check.toleranceSeconds} s away from now (a replay, or a wrong clock)`,
    };
  }
  for (const secret of check.secrets) {
    const expected = hmac(secret, timestamp, check.rawBody);
    // timingSafeEqual needs equal lengths; every candidate is 32 bytes by the pattern above.
    if (signatures.some((given) => timingSafeEqual(expected, given))) return { ok: true };
  }
  return { ok: false, reason: 'no v1 signature matches an active signing secret of this company' };
}

/** The header a sender would attach (tests, benchmarks, and anyone forwarding events). */
export function stripeSignatureHeader(
  secrets: readonly string[],
  timestampSeconds: number,
  rawBody: Buffer | string,
): string {
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody) : rawBody;
  const t = String(timestampSeconds);
  const v1 = secrets.map((secret) => `v1=${hmac(secret, t, body).toString('hex')}`);
  return [`t=${t}`, ...v1].join(',');
}

function hmac(secret: string, timestamp: string, rawBody: Buffer): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}
