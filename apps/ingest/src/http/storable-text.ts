import { isStorableText, UNSTORABLE_TEXT_REASON, ValidationError } from '@cvf/domain';

// PostgreSQL cannot store NUL or unpaired surrogates (see isStorableText); a write carrying
// one would pass every field rule and then fail at append with a 500, so it is refused here.
const REASON = UNSTORABLE_TEXT_REASON;
const isStorable = isStorableText;

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
