import { derivePaymentId, parsePaymentFields } from '@cvf/domain';
import { sha256Hex } from '@cvf/platform';

/**
 * The id of a payment sent through the API without one (ARCHITECTURE.md: deterministic, from
 * its normalised facts, as the first occurrence of that triple). The amount is read with the
 * currency's decimals (`exponent`).
 */
export function derivedPaymentId(
  facts: { customer_id: string; payment_date: string; amount: string },
  exponent: number,
): string {
  const parsed = parsePaymentFields(facts, exponent);
  return derivePaymentId(parsed.customer_id, parsed.payment_date, parsed.amount, 1, sha256Hex);
}
