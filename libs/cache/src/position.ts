import { decodePosition, type LogPosition } from '@cvf/event-store';

/**
 * A log position in the fixed-width form the Lua guards compare: transaction id and global
 * position, each zero-padded to 20 digits (the width of 2^64 − 1), no separator. Equal-width
 * digit strings order exactly like the numbers, whatever the collation.
 */
export type SortablePosition = string;

const WIDTH = 20;
const SORTABLE = /^\d{40}$/;

export function toSortable(position: LogPosition | string): SortablePosition {
  const { transactionId, globalPosition } =
    typeof position === 'string' ? decodePosition(position) : position;
  return transactionId.padStart(WIDTH, '0') + globalPosition.padStart(WIDTH, '0');
}

/** The encoded form (`encodePosition`) of a sortable position. */
export function fromSortable(sortable: SortablePosition): string {
  if (!SORTABLE.test(sortable)) throw new RangeError(`'${sortable}' is not a sortable position`);
  return `${BigInt(sortable.slice(0, WIDTH))}:${BigInt(sortable.slice(WIDTH))}`;
}

/** The earlier of two encoded positions. */
export function minPosition(a: string, b: string): string {
  return toSortable(a) <= toSortable(b) ? a : b;
}
