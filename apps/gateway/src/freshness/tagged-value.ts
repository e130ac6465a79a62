import { type CashflowDocument } from '@cvf/domain';
import { fromSortable, type StoredRollup } from '@cvf/cache';

/**
 * Cached values are `<pos40>|<json>` (libs/cache layout.ts). These helpers read them without
 * going through a full JSON round trip where none is needed: the hot path of
 * `GET /cashflows` sends the stored document's bytes as they are.
 */
const TAG_LENGTH = 40;
const JSON_START = TAG_LENGTH + 1;

/** The 40-digit sortable position a value is tagged with. */
export function tagOf(value: Buffer): string {
  return value.toString('latin1', 0, TAG_LENGTH);
}

/** The encoded log position (`<transaction>:<position>`) a value reflects. */
export function positionOf(value: Buffer): string {
  return fromSortable(tagOf(value));
}

export function parseTagged<T>(value: Buffer): T {
  return JSON.parse(value.toString('utf8', JSON_START)) as T;
}

// A StoredRollup is written as JSON.stringify({ position, computed_at, document }): the
// document is the last member, so its JSON is a slice of the stored bytes. The pattern only
// admits the characters those two fields can hold (no quote, no escape).
const ROLLUP_HEAD = /^\{"position":"\d+:\d+","computed_at":"[0-9A-Za-z:.+-]*","document":/;
const CLOSING_BRACE = 0x7d;

/**
 * The rollup's document as JSON bytes, exactly `JSON.stringify(stored.document)`. Falls back
 * to parse and serialise if the stored layout ever differs (a reordered writer, say).
 */
export function rollupDocumentJson(value: Buffer): Buffer {
  const head = ROLLUP_HEAD.exec(value.toString('latin1', JSON_START, JSON_START + 120));
  if (head && value[value.length - 1] === CLOSING_BRACE) {
    return value.subarray(JSON_START + head[0].length, value.length - 1);
  }
  return Buffer.from(JSON.stringify(parseTagged<StoredRollup>(value).document));
}

export function rollupDocument(value: Buffer): CashflowDocument {
  return parseTagged<StoredRollup>(value).document;
}
