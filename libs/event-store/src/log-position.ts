import { InvalidLogPositionError } from './errors';
import type { LogPosition, RecordedEvent } from './event-store.port';

// Both parts are unsigned 64-bit integers: at most 20 decimal digits.
const ENCODED_POSITION = /^(\d{1,20}):(\d{1,20})$/;

/** "<transactionId>:<globalPosition>", e.g. "7423:1051": fits an HTTP header or a URL. */
export function encodePosition(position: LogPosition): string {
  return `${position.transactionId}:${position.globalPosition}`;
}

/** Inverse of `encodePosition`. @throws InvalidLogPositionError on anything else. */
export function decodePosition(encoded: string): LogPosition {
  const match = ENCODED_POSITION.exec(encoded);
  if (!match?.[1] || !match[2]) throw new InvalidLogPositionError(encoded);
  // BigInt round trip drops leading zeros so that equal positions encode equally.
  return {
    transactionId: BigInt(match[1]).toString(),
    globalPosition: BigInt(match[2]).toString(),
  };
}

/**
 * Log order: by transaction, then by position within the store-wide sequence. Returns a
 * negative number, 0 or a positive number like `Array.prototype.sort` comparators. `null`
 * stands for "before the first event".
 */
export function comparePositions(a: LogPosition | null, b: LogPosition | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return (
    compareBigInts(a.transactionId, b.transactionId) ||
    compareBigInts(a.globalPosition, b.globalPosition)
  );
}

/** Where an event sits in the global log. */
export function positionOf(event: RecordedEvent): LogPosition {
  return { transactionId: event.transactionId, globalPosition: event.globalPosition };
}

function compareBigInts(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
