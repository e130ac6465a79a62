import { type Cents } from '../shared/money';

/**
 * Deterministic ids for rows that arrive without one (ARCHITECTURE.md): re-uploading the same
 * file derives the same ids, and recording appends with "stream must not exist", so nothing
 * is recorded twice. The hash is injected (callers pass sha256 as lowercase or uppercase hex)
 * because the domain imports no crypto.
 *
 * The hashed text is a JSON array: JSON string escaping makes it unambiguous whatever the
 * customer id contains, and the leading tag keeps payment and refund ids apart. Changing this
 * text changes every derived id, so re-uploads would duplicate: treat it as frozen.
 */
export type HexHash = (text: string) => string;

const HEX_32 = /^[0-9a-fA-F]{32}/;

function derive(prefix: string, parts: readonly (string | number)[], hash: HexHash): string {
  const digest = hash(JSON.stringify(parts));
  if (!HEX_32.test(digest)) throw new Error('derived ids need a hash returning ≥ 32 hex digits');
  return `${prefix}-${digest.slice(0, 32).toLowerCase()}`;
}

function requireCount(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer ≥ ${min}, got ${value}`);
  }
}

/**
 * `d-<32 hex>` from the payment's facts. `occurrence` is the 1-based count of identical
 * (customer, date, amount) rows seen so far in the file: two genuine identical payments on
 * one day get distinct ids, while the same file uploaded twice gets the same ones.
 * The customer id is trimmed, as the payment decider does, so " c1" and "c1" agree.
 */
export function derivePaymentId(
  customerId: string,
  paymentDate: string,
  amountCents: Cents,
  occurrence: number,
  hash: HexHash,
): string {
  requireCount('amountCents', amountCents, 0);
  requireCount('occurrence', occurrence, 1);
  return derive('d', ['payment', customerId.trim(), paymentDate, amountCents, occurrence], hash);
}

/**
 * `r-<32 hex>` for a refund row without a refund id (DOMAIN.md refunds carry only payment_id
 * and amount); `occurrence` counts identical (payment, amount) rows in the file, 1-based.
 */
export function deriveRefundId(
  paymentId: string,
  amountCents: Cents,
  occurrence: number,
  hash: HexHash,
): string {
  requireCount('amountCents', amountCents, 1);
  requireCount('occurrence', occurrence, 1);
  return derive('r', ['refund', paymentId, amountCents, occurrence], hash);
}
