import { stripeSignatureHeader, verifyStripeSignature } from './stripe-signature';
import { type SignedDelivery } from '../payment-processor';

const body = Buffer.from('{"id":"evt_1","type":"charge.succeeded"}');
const NOW = 1_700_000_000;
const OLD = 'whsec_old';
const NEW = 'whsec_new';

function check(
  signature: string | undefined,
  overrides: Partial<SignedDelivery> = {},
): SignedDelivery {
  return {
    signature,
    rawBody: body,
    secrets: [OLD],
    nowSeconds: NOW,
    toleranceSeconds: 300,
    ...overrides,
  };
}

describe('Stripe-Signature verification', () => {
  it('accepts a signature over the raw body made with an active secret', () => {
    expect(verifyStripeSignature(check(stripeSignatureHeader([OLD], NOW, body)))).toEqual({
      ok: true,
    });
  });

  it('accepts any matching v1, under any active secret (rotation on either side)', () => {
    const both = stripeSignatureHeader([NEW, OLD], NOW, body);
    expect(verifyStripeSignature(check(both))).toEqual({ ok: true });
    const onlyNew = stripeSignatureHeader([NEW], NOW, body);
    expect(verifyStripeSignature(check(onlyNew, { secrets: [OLD, NEW] }))).toEqual({ ok: true });
  });

  it.each([
    ['no header', undefined, /missing/],
    ['an empty header', ' ', /missing/],
    ['no timestamp', 'v1=' + 'a'.repeat(64), /no timestamp/],
    ['no v1 signature', `t=${NOW},v0=${'a'.repeat(64)}`, /no v1 signature/],
    ['a malformed v1', `t=${NOW},v1=xyz`, /no v1 signature/],
    ['a wrong signature', `t=${NOW},v1=${'a'.repeat(64)}`, /no v1 signature matches/],
  ])('rejects %s', (_what, header, reason) => {
    const verdict = verifyStripeSignature(check(header));
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toMatch(reason);
  });

  it('rejects a timestamp too old or too far in the future, and takes one at the edge', () => {
    for (const t of [NOW - 301, NOW + 301]) {
      const verdict = verifyStripeSignature(check(stripeSignatureHeader([OLD], t, body)));
      expect(verdict).toMatchObject({ ok: false, reason: expect.stringMatching(/300 s/) });
    }
    expect(verifyStripeSignature(check(stripeSignatureHeader([OLD], NOW - 300, body))).ok).toBe(
      true,
    );
  });

  it('rejects a signature made for another body, timestamp or secret', () => {
    const header = stripeSignatureHeader([OLD], NOW, body);
    expect(
      verifyStripeSignature(check(header, { rawBody: Buffer.from(`${body.toString()} `) })).ok,
    ).toBe(false);
    const retimed = header.replace(`t=${NOW}`, `t=${NOW - 1}`);
    expect(verifyStripeSignature(check(retimed)).ok).toBe(false);
    expect(verifyStripeSignature(check(header, { secrets: [NEW] })).ok).toBe(false);
  });
});
