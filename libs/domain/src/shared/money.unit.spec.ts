import { Decimal } from 'decimal.js';
import { formatRatio } from './money';

describe('formatRatio', () => {
  it('prints 6 decimals, and zero reached from below as 0.000000, not -0.000000', () => {
    expect(formatRatio(new Decimal('0.1234565'))).toBe('0.123457');
    expect(formatRatio(new Decimal('-0.0000001'))).toBe('0.000000');
    expect(formatRatio(new Decimal('-0.0000005'))).toBe('-0.000001');
    expect(formatRatio(new Decimal('-1.5'))).toBe('-1.500000');
  });
});
