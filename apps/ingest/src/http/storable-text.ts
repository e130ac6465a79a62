import { ValidationError } from '@cvf/domain';

/**
 * PostgreSQL stores neither U+0000 (in text or jsonb) nor an unpaired UTF-16 surrogate (in
 * jsonb). A write carrying one would pass every field rule and then fail at append with a
 * 500, so it is refused up front as a 400 naming the field. No field of ours has a use for
 * either character.
 */
const REASON = 'must not contain the NUL character or an unpaired surrogate';

function isStorable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0) return false;
    if (unit >= 0xdc00 && unit <= 0xdfff) return false; // a low surrogate without its high one
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    }
  }
  return true;
}

/** The field name as it can be reported (the report itself must be storable). */
function printable(name: string): string {
  // Array.from walks code points: a lone surrogate comes out as a character of its own.
  return Array.from(name, (char) => (isStorable(char) ? char : '\ufffd')).join('');
}

function collect(value: unknown, field: string, fields: string[]): void {
  if (typeof value === 'string') {
    if (!isStorable(value)) fields.push(field === '' ? 'body' : field);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => collect(item, `${field}[${index}]`, fields));
  } else if (typeof value === 'object' && value !== null) {
    for (const [name, item] of Object.entries(value)) {
      const path = field === '' ? printable(name) : `${field}.${printable(name)}`;
      if (!isStorable(name)) fields.push(path);
      collect(item, path, fields);
    }
  }
}

/** Throws a ValidationError (400) naming each field of path, query or body not storable. */
export function requireStorableText(...parts: readonly unknown[]): void {
  const fields: string[] = [];
  for (const part of parts) collect(part, '', fields);
  if (fields.length > 0)
    throw new ValidationError(fields.map((field) => ({ field, reason: REASON })));
}
