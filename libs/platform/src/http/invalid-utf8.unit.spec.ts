import { firstInvalidUtf8, jsonPathAt } from './invalid-utf8';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

describe('firstInvalidUtf8', () => {
  it('finds the first byte TextDecoder would refuse, or none', () => {
    expect(firstInvalidUtf8(Buffer.from('José €'))).toBeNull();
    expect(firstInvalidUtf8(bytes('ab', [0xff]))).toBe(2);
    expect(firstInvalidUtf8(bytes('a', [0xc3]))).toBe(1); // cut short
    expect(firstInvalidUtf8(bytes('a', [0xc0, 0xaf]))).toBe(1); // overlong
    expect(firstInvalidUtf8(bytes([0xed, 0xa0, 0x80]))).toBe(0); // a surrogate
    for (const sample of [bytes('x', [0xe2, 0x82]), bytes([0xf4, 0x90, 0x80, 0x80])]) {
      expect(firstInvalidUtf8(sample) !== null).toBe(!isUtf8(sample));
    }
  });
});

function isUtf8(b: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

describe('jsonPathAt', () => {
  const pathOf = (before: string, after = '"}') => {
    const body = bytes(before, [0xff], after);
    return jsonPathAt(body, firstInvalidUtf8(body)!);
  };

  it('names the field whose value holds the byte', () => {
    expect(pathOf('{"name":"Ac')).toBe('name');
    expect(pathOf('{"a":"x","b":{"c":1,"d":"', '"}}')).toBe('b.d');
    expect(pathOf('{"rows":[{"x":"1"},{"y":"', '"}]}')).toBe('rows[1].y');
    expect(pathOf('["a","b","', '"]')).toBe('[2]');
  });

  it('follows escapes and structure inside strings without being fooled', () => {
    expect(pathOf('{"a":"q\\\\\\",:[{","b":"', '"}')).toBe('b');
    expect(pathOf('{"k\\"ey":"', '"}')).toBe('k"ey');
  });

  it('names the object when the byte is in a field name; the top level is empty', () => {
    expect(pathOf('{"outer":{"na', '":1}}')).toBe('outer');
    expect(pathOf('"', '"')).toBe('');
  });
});
