import { Dec, formatRatio } from '../shared';
import { annualise, monthlyIrr } from './irr';

const flows = (...values: (number | string)[]) => values.map((v) => new Dec(v));
const irr = (...values: (number | string)[]) => monthlyIrr(flows(...values));
const annual = (...values: (number | string)[]) => {
  const rate = irr(...values);
  return rate === null ? null : formatRatio(annualise(rate));
};

describe('monthlyIrr', () => {
  describe('matches numpy-financial (npf.irr, checked to 30 digits with mpmath)', () => {
    it.each([
      // flows, monthly rate to 12 decimals, annualised as reported
      [[-100, 110], '0.100000000000', '2.138428'],
      [[-350, 150, 300], '0.164581049689', '5.223528'],
      [[-100, 39, 59, 55, 20], '0.280948421160', '18.515501'],
      [[-100, 0, 0, 74], '-0.095495830349', '-0.700134'],
      [[-100, 100, 0, 7], '0.062058485630', '1.059592'],
      // several sign changes: the root nearest 0, as numpy-financial picks
      [[-100, 100, 0, -7], '-0.083299666185', '-0.647849'],
      [[-5, 10.5, 1, -8, 1], '0.088598338528', '1.769568'],
      [[-100, 230, -132], '0.100000000000', '2.138428'], // roots 0.1 and 0.2
    ])('%j → r = %s', (values, rate, annualised) => {
      expect(irr(...values)!.toFixed(12)).toBe(rate);
      expect(annual(...values)).toBe(annualised);
    });
  });

  it('finds a monthly rate above 10^4: invest 1, collect 20000 a period later → r = 19999', () => {
    expect(irr(-1, 20000)!.toFixed(30)).toBe(`19999.${'0'.repeat(30)}`);
    // (1 + r)^12 − 1 = 20000^12 − 1, exact in 64 digits
    expect(annual(-1, 20000)).toBe(`4095${'9'.repeat(48)}.000000`);
  });

  it('polishes a rate above 100% a month in Dec, so every reported decimal of the annual rate holds', () => {
    // −1 + 20000u + 7u² = 0, u = 1/(1 + r); to 120 digits (mpmath)
    expect(irr(-1, 20000, 7)!.toFixed(30)).toBe('19999.000349999993875000214374990621');
    expect(annual(-1, 20000, 7)).toBe(
      '4096000860160067737602458624040336800242020800235297.000000',
    );
  });

  it('finds rates far beyond any grid, both ways, in bounded time', () => {
    expect(irr(-1000, '1e12', 0, 0)!.toFixed(6)).toBe('999999999.000000');
    expect(irr('-1e-30', '1e16')!.div('1e46').toFixed(20)).toBe('1.00000000000000000000');
    expect(irr(-100, 1)!.toFixed(12)).toBe('-0.990000000000');
    expect(annual(-100, 1)).toBe('-1.000000');
    expect(irr('-1e12', 1)!.add(1).toExponential(12)).toBe('1.000000000000e-12');
    // a long, nearly flat series still converges
    const long = [-1_000_000, ...Array.from({ length: 119 }, () => 8_500)];
    expect(irr(...long)!.toFixed(12)).toBe('0.000190949660'); // npf.irr: 0.00019095
  });

  it('is 0 when the flows sum to 0, and ignores zero flows at either end', () => {
    expect(irr(-100, 100)!.isZero()).toBe(true);
    expect(annual(-100, 50, 50)).toBe('0.000000');
    expect(irr(0, 0, -100, 110, 0)!.toFixed(12)).toBe('0.100000000000');
  });

  it('is null when the flows never change sign, or change sign without a root', () => {
    expect(irr()).toBeNull();
    expect(irr(0, 0)).toBeNull();
    expect(irr(100, 50)).toBeNull();
    expect(irr(-100, 0, -5)).toBeNull();
    // −100 + 150u − 100u² has no real root
    expect(irr(-100, 150, -100)).toBeNull();
  });

  it('never prints -0.000000 for a rate rounding to zero from below', () => {
    expect(irr(-1_000_000_000, 999_999_999)!.toFixed(12)).toBe('-0.000000001000');
    expect(annual(-1_000_000_000, 999_999_999)).toBe('0.000000');
  });
});
