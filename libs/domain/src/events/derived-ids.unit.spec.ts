import { derivePaymentId, deriveRefundId } from './derived-ids';
import { isValidEntityId } from './stream-ids';

/**
 * A stand-in for sha256 (specs in libs/domain may not import crypto either): four FNV-1a
 * passes with different seeds, 32 hex digits. Good enough to tell inputs apart.
 */
function testHash(text: string): string {
  return [0x811c9dc5, 0x01000193, 0x12345678, 0x9e3779b9]
    .map((seed) => {
      let h = seed >>> 0;
      for (let i = 0; i < text.length; i++) {
        h ^= text.charCodeAt(i);
        h = Math.imul(h, 0x01000193) >>> 0;
      }
      return h.toString(16).padStart(8, '0');
    })
    .join('');
}

describe('derivePaymentId', () => {
  const id = (customer: string, date: string, cents: number, occurrence: number) =>
    derivePaymentId(customer, date, cents, occurrence, testHash);

  it('is d- and 32 lowercase hex digits, a valid payment id', () => {
    const derived = id('c-1', '2020-01-15', 10000, 1);
    expect(derived).toMatch(/^d-[0-9a-f]{32}$/);
    expect(isValidEntityId(derived)).toBe(true);
  });

  it('is deterministic: the same row gives the same id on every upload', () => {
    expect(id('c-1', '2020-01-15', 10000, 1)).toBe(id('c-1', '2020-01-15', 10000, 1));
  });

  it('tells identical rows apart by their occurrence in the file', () => {
    const first = id('c-1', '2020-01-15', 10000, 1);
    const second = id('c-1', '2020-01-15', 10000, 2);
    expect(second).not.toBe(first);
  });

  it('differs when any fact differs', () => {
    const base = id('c-1', '2020-01-15', 10000, 1);
    expect(id('c-2', '2020-01-15', 10000, 1)).not.toBe(base);
    expect(id('c-1', '2020-01-16', 10000, 1)).not.toBe(base);
    expect(id('c-1', '2020-01-15', 10001, 1)).not.toBe(base);
  });

  it('trims the customer id, as recording does', () => {
    expect(id('  c-1 ', '2020-01-15', 10000, 1)).toBe(id('c-1', '2020-01-15', 10000, 1));
  });

  it('hashes an unambiguous text, whatever the customer id contains', () => {
    const seen: string[] = [];
    const hash = (text: string) => {
      seen.push(text);
      return testHash(text);
    };
    derivePaymentId('a","2020', '01-01', 1, 1, hash);
    derivePaymentId('a', '2020","01-01', 1, 1, hash);
    expect(seen[0]).not.toBe(seen[1]);
  });

  it('uses only the first 32 hex digits of the hash, lowercased', () => {
    const sha256Like = () => 'ABCDEF0123456789'.repeat(4);
    expect(derivePaymentId('c', '2020-01-01', 1, 1, sha256Like)).toBe(
      'd-abcdef0123456789abcdef0123456789',
    );
  });

  it('refuses a hash that does not return hex, and nonsense counts', () => {
    expect(() => derivePaymentId('c', '2020-01-01', 1, 1, () => 'short')).toThrow('32 hex');
    expect(() => id('c', '2020-01-01', 1, 0)).toThrow(RangeError);
    expect(() => id('c', '2020-01-01', -1, 1)).toThrow(RangeError);
    expect(() => id('c', '2020-01-01', 1.5, 1)).toThrow(RangeError);
  });
});

describe('deriveRefundId', () => {
  it('is r- and 32 hex digits, deterministic, and distinguished by occurrence', () => {
    const first = deriveRefundId('p-1', 500, 1, testHash);
    expect(first).toMatch(/^r-[0-9a-f]{32}$/);
    expect(deriveRefundId('p-1', 500, 1, testHash)).toBe(first);
    expect(deriveRefundId('p-1', 500, 2, testHash)).not.toBe(first);
    expect(deriveRefundId('p-2', 500, 1, testHash)).not.toBe(first);
  });

  it('never equals a payment id derived from similar inputs', () => {
    expect(deriveRefundId('c', 1, 1, testHash).slice(2)).not.toBe(
      derivePaymentId('c', '1', 1, 1, testHash).slice(2),
    );
  });

  it('refuses a zero refund', () => {
    expect(() => deriveRefundId('p-1', 0, 1, testHash)).toThrow(RangeError);
  });
});
