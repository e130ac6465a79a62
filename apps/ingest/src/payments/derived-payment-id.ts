import { derivePaymentId, parsePaymentFields } from '@cvf/domain';
import { sha256Hex } from '@cvf/platform';

/**
 * The id of a payment sent through the API without one (ARCHITECTURE.md: deterministic, from
 * its normalised facts, as the first occurrence of that triple).
 */
export function derivedPaymentId(facts: {
  customer_id: string;
  payment_date: string;
  amount: string;
}): string {
  const parsed = parsePaymentFields(facts);
  return derivePaymentId(parsed.customer_id, parsed.payment_date, parsed.amount, 1, sha256Hex);
}
