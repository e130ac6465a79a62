/**
 * PostgreSQL stores neither U+0000 (in text or jsonb) nor an unpaired UTF-16 surrogate (in
 * jsonb); no field of ours has a use for either. Every boundary refuses such text up front
 * (a 400 or a bad row naming the field) instead of failing at append.
 */
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

export const UNSTORABLE_TEXT_REASON = 'must not contain the NUL character or an unpaired surrogate';
