import { fromSortable, minPosition, toSortable } from './position';

describe('sortable positions', () => {
  it('pads both 64-bit parts to 20 digits, so string order is log order', () => {
    expect(toSortable('7423:1051')).toBe(`${'7423'.padStart(20, '0')}${'1051'.padStart(20, '0')}`);
    const ordered = [
      '1:99',
      '2:3',
      '9007199254740993:1',
      '9007199254740993:2',
      '18446744073709551615:0',
    ];
    const sortables = ordered.map(toSortable);
    expect([...sortables].sort()).toEqual(sortables);
  });

  it('round-trips the encoded form, beyond 2^53 included', () => {
    for (const encoded of ['0:0', '7423:1051', '18446744073709551615:18446744073709551615']) {
      expect(fromSortable(toSortable(encoded))).toBe(encoded);
    }
  });

  it('takes the earlier of two positions', () => {
    expect(minPosition('10:5', '9:7')).toBe('9:7');
    expect(minPosition('9007199254740993:1', '9007199254740992:9')).toBe('9007199254740992:9');
  });

  it('refuses what is not a position', () => {
    expect(() => toSortable('12')).toThrow();
    expect(() => fromSortable('123')).toThrow(RangeError);
  });
});
