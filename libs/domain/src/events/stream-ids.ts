import { ValidationError } from './errors';

/**
 * Ids that end up inside stream ids (company ids, payment ids, refund ids, secret ids):
 * 1–100 characters of letters, digits and `. _ : -`. That covers uuids, Stripe ids (`py_…`),
 * derived ids (`d-…`) and typical invoice numbers, and keeps stream ids free of spaces,
 * slashes and anything that needs quoting in logs, URLs or Kafka keys.
 */
export const ENTITY_ID_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;

export function isValidEntityId(id: unknown): id is string {
  return typeof id === 'string' && ENTITY_ID_PATTERN.test(id);
}

export const ENTITY_ID_RULE = '1–100 characters of A-Z a-z 0-9 . _ : -';

function requireEntityId(field: string, id: string): string {
  if (!isValidEntityId(id)) throw ValidationError.of(field, `must be ${ENTITY_ID_RULE}`);
  return id;
}

/** `company-<companyId>`; throws ValidationError (field company_id) for a malformed id. */
export function companyStreamId(companyId: string): string {
  return `company-${requireEntityId('company_id', companyId)}`;
}

/**
 * `payment-<companyId>-<paymentId>`, except that a `-` inside the company id is written as
 * `~` (a character no id may contain). Both ids may contain `-`, so the literal form would
 * let company "acme" payment "eu-1" and company "acme-eu" payment "1" share the stream
 * `payment-acme-eu-1`; and recording appends with "stream must not exist", so the second
 * would be silently dropped as a duplicate. With the escape the first `-` after the prefix
 * always ends the company id, which makes the mapping one-to-one.
 */
export function paymentStreamId(companyId: string, paymentId: string): string {
  const company = requireEntityId('company_id', companyId).replaceAll('-', '~');
  return `payment-${company}-${requireEntityId('payment_id', paymentId)}`;
}

/** The inverse of `paymentStreamId`; null for anything that is not a payment stream id. */
export function parsePaymentStreamId(
  streamId: string,
): { readonly companyId: string; readonly paymentId: string } | null {
  const match = /^payment-([A-Za-z0-9._:~]+)-(.+)$/.exec(streamId);
  if (!match) return null;
  const companyId = (match[1] ?? '').replaceAll('~', '-');
  const paymentId = match[2] ?? '';
  return isValidEntityId(companyId) && isValidEntityId(paymentId) ? { companyId, paymentId } : null;
}
