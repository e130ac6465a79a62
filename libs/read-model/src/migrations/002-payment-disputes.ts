/**
 * Chargebacks (PaymentDisputed / PaymentDisputeReinstated) beside refunds: a payment's net is
 * amount − refunded − disputed. Existing rows had no disputes.
 */
export const addPaymentDisputes = (s: string): string => `
ALTER TABLE ${s}.payments
  ADD COLUMN disputed_cents bigint NOT NULL DEFAULT 0 CHECK (disputed_cents >= 0);
`;
