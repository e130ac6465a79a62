import { Decimal } from 'decimal.js';
import { Dec, formatRatio, formatTermRatio, parseTermRatio } from './money';

describe('formatRatio', () => {
  it('prints 6 decimals, and zero reached from below as 0.000000, not -0.000000', () => {
    expect(formatRatio(new Decimal('0.1234565'))).toBe('0.123457');
    expect(formatRatio(new Decimal('-0.0000001'))).toBe('0.000000');
    expect(formatRatio(new Decimal('-0.0000005'))).toBe('-0.000001');
    expect(formatRatio(new Decimal('-1.5'))).toBe('-1.500000');
  });
});

describe('contractual ratios as entered (TermRatio)', () => {
  it.each([
    ['0.50', '0.50'],
    ['1.0', '1.0'],
    [' 0.8 ', '0.8'],
    ['00.25', '0.25'],
    ['-0.00', '0.00'],
    ['0', '0'],
  ])('given %j, then documents echo %j', (text, echoed) => {
    expect(formatTermRatio(parseTermRatio(text)!)).toBe(echoed);
  });

  it('compares and computes by value: 0.50 equals 0.5, and its products are plain decimals', () => {
    const ratio = parseTermRatio('0.50')!;
    expect(ratio.eq(new Dec('0.5'))).toBe(true);
    expect(formatTermRatio(ratio.mul(2))).toBe('1');
  });

  it('given text that is not a decimal, then null', () => {
    expect(parseTermRatio('1e-1')).toBeNull();
    expect(parseTermRatio('')).toBeNull();
  });
});
