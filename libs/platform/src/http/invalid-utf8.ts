/**
 * Where in a JSON body its first byte that is not UTF-8 sits, as the field a person would fix:
 * `customer_id`, `payments[2].customer_id`. Bytes, not text: the body cannot be decoded
 * faithfully, but every structural character of JSON is ASCII, and no byte of a multi-byte
 * UTF-8 sequence is, so a scan of the bytes before the bad one sees the structure exactly.
 */

/** Offset of the first byte that cannot start or continue a UTF-8 sequence, or null. */
export function firstInvalidUtf8(bytes: Uint8Array): number | null {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const size =
      lead >= 0xc2 && lead <= 0xdf
        ? 2
        : lead >= 0xe0 && lead <= 0xef
          ? 3
          : lead >= 0xf0 && lead <= 0xf4
            ? 4
            : 0;
    if (size === 0 || i + size > bytes.length) return i;
    for (let k = 1; k < size; k++) {
      const next = bytes[i + k]!;
      if (next < 0x80 || next > 0xbf) return i;
    }
    // Overlong forms and surrogates, as TextDecoder refuses them.
    const second = bytes[i + 1]!;
    if (lead === 0xe0 && second < 0xa0) return i;
    if (lead === 0xed && second > 0x9f) return i;
    if (lead === 0xf0 && second < 0x90) return i;
    if (lead === 0xf4 && second > 0x8f) return i;
    i += size;
  }
  return null;
}

type Frame =
  { kind: 'object'; key: string | null; expectingKey: boolean } | { kind: 'array'; index: number };

/**
 * The path of the value (or of the object whose field name) holding `offset` in a JSON text;
 * '' for the top level. Strings are followed with their escapes; nothing is decoded but the
 * keys on the way.
 */
export function jsonPathAt(bytes: Uint8Array, offset: number): string {
  const stack: Frame[] = [];
  let inString = false;
  let escaped = false;
  let stringIsKey = false;
  let stringStart = 0;
  for (let i = 0; i < offset && i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (byte === 0x5c) escaped = true;
      else if (byte === 0x22) {
        inString = false;
        const top = stack.at(-1);
        if (stringIsKey && top?.kind === 'object') top.key = keyText(bytes, stringStart, i);
      }
      continue;
    }
    const top = stack.at(-1);
    switch (byte) {
      case 0x7b: // {
        stack.push({ kind: 'object', key: null, expectingKey: true });
        break;
      case 0x5b: // [
        stack.push({ kind: 'array', index: 0 });
        break;
      case 0x7d: // }
      case 0x5d: // ]
        stack.pop();
        break;
      case 0x2c: // ,
        if (top?.kind === 'object') Object.assign(top, { key: null, expectingKey: true });
        else if (top?.kind === 'array') top.index++;
        break;
      case 0x3a: // :
        if (top?.kind === 'object') top.expectingKey = false;
        break;
      case 0x22: // "
        inString = true;
        stringIsKey = top?.kind === 'object' && top.expectingKey;
        stringStart = i + 1;
        break;
    }
  }
  let path = '';
  for (const frame of stack) {
    if (frame.kind === 'array') path += `[${frame.index}]`;
    else if (frame.key !== null && !(frame === stack.at(-1) && inString && stringIsKey)) {
      path += path === '' ? frame.key : `.${frame.key}`;
    }
  }
  return path;
}

function keyText(bytes: Uint8Array, start: number, end: number): string {
  const raw = Buffer.from(bytes.subarray(start, end)).toString('utf8');
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}
