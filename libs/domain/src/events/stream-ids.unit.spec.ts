import fc from 'fast-check';
import { thrownBy } from './decider-specification';
import { ValidationError } from './errors';
import {
  companyStreamId,
  isValidEntityId,
  parsePaymentStreamId,
  paymentStreamId,
} from './stream-ids';

const idChar = fc.constantFrom(...'abcXYZ019._:-'.split(''));
const entityIdArb = fc.string({ unit: idChar, minLength: 1, maxLength: 100 });

describe('entity ids', () => {
  it.each([
    'a',
    'acme',
    'py_3Nabc',
    'd-0123456789abcdef',
    '9f1c2b7e-8d4a-4f8e-9a51-0c2d7e6b1a33',
    'inv:2020.01',
    'x'.repeat(100),
  ])('accepts %s', (id) => expect(isValidEntityId(id)).toBe(true));

  it.each(['', 'x'.repeat(101), 'has space', 'a/b', 'tilde~', 'ünïcode', 'new\nline', ' lead'])(
    'refuses %j',
    (id) => expect(isValidEntityId(id)).toBe(false),
  );
});

describe('companyStreamId', () => {
  it('prefixes the company id', () => {
    expect(companyStreamId('acme')).toBe('company-acme');
    expect(companyStreamId('9f1c-2b7e')).toBe('company-9f1c-2b7e');
  });

  it('refuses a malformed company id with a ValidationError naming company_id', () => {
    expect(() => companyStreamId('a b')).toThrow(ValidationError);
    const error = thrownBy(() => companyStreamId('')) as ValidationError;
    expect(error.issues).toEqual([
      { field: 'company_id', reason: expect.stringContaining('1–100 characters') },
    ]);
  });
});

describe('paymentStreamId', () => {
  it('is payment-<companyId>-<paymentId>', () => {
    expect(paymentStreamId('acme', 'INV-1')).toBe('payment-acme-INV-1');
  });

  it('escapes - in the company id so that different pairs never share a stream', () => {
    expect(paymentStreamId('acme', 'eu-1')).toBe('payment-acme-eu-1');
    expect(paymentStreamId('acme-eu', '1')).toBe('payment-acme~eu-1');
  });

  it('names the bad field', () => {
    expect(() => paymentStreamId('acme', 'has space')).toThrow('payment_id');
    expect(() => paymentStreamId('a/b', 'p1')).toThrow('company_id');
  });

  it('is one-to-one: parsing gives back both ids', () => {
    fc.assert(
      fc.property(entityIdArb, entityIdArb, (companyId, paymentId) => {
        expect(parsePaymentStreamId(paymentStreamId(companyId, paymentId))).toEqual({
          companyId,
          paymentId,
        });
      }),
    );
  });

  it('parses nothing that is not a payment stream id', () => {
    expect(parsePaymentStreamId('company-acme')).toBeNull();
    expect(parsePaymentStreamId('payment-acme')).toBeNull();
    expect(parsePaymentStreamId('payment-acme-has space')).toBeNull();
  });
});
