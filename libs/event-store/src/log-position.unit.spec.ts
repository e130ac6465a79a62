import { InvalidLogPositionError } from './errors';
import { comparePositions, decodePosition, encodePosition } from './log-position';

const at = (transactionId: string, globalPosition: string) => ({ transactionId, globalPosition });

describe('log positions', () => {
  it('encode to one opaque string and decode back', () => {
    const position = at('18446744073709551615', '9007199254740993');
    expect(encodePosition(position)).toBe('18446744073709551615:9007199254740993');
    expect(decodePosition(encodePosition(position))).toEqual(position);
  });

  it('decode leading zeros to the same position', () => {
    expect(decodePosition('007:010')).toEqual(at('7', '10'));
  });

  it.each(['', '12', '1:2:3', '-1:2', '1:x', ' 1:2', '1:2 ', '123456789012345678901:1'])(
    'reject %p',
    (input) => {
      expect(() => decodePosition(input)).toThrow(InvalidLogPositionError);
    },
  );

  it('order by transaction first, then by global position, numerically', () => {
    expect(comparePositions(at('9', '500'), at('10', '1'))).toBeLessThan(0);
    expect(comparePositions(at('10', '9'), at('10', '10'))).toBeLessThan(0);
    expect(comparePositions(at('10', '10'), at('10', '10'))).toBe(0);
    expect(comparePositions(at('11', '1'), at('10', '99'))).toBeGreaterThan(0);
  });

  it('treat null as before every position', () => {
    expect(comparePositions(null, at('1', '1'))).toBeLessThan(0);
    expect(comparePositions(at('1', '1'), null)).toBeGreaterThan(0);
    expect(comparePositions(null, null)).toBe(0);
  });
});
