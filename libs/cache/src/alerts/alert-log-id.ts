/**
 * Ids of the retained alert log (alert-log.ts): Redis stream ids, `<ms>-<seq>`, two unsigned
 * 64-bit integers that Redis assigns in increasing order as alerts are appended. Unlike
 * `alert_id` (which names a condition, not a moment) they order alerts, so "the alerts after
 * this id" means something: they are the breach stream's SSE `id:` and `Last-Event-ID`.
 */
export type AlertLogId = string;

/** Before every entry: "after the start" is the whole log. */
export const LOG_START: AlertLogId = '0-0';

const MAX_PART = 2n ** 64n - 1n;
const SHAPE = /^(\d{1,20})-(\d{1,20})$/;

function parts(id: AlertLogId): readonly [bigint, bigint] {
  const match = SHAPE.exec(id);
  if (!match) throw new RangeError(`'${id}' is not an alert log id`);
  return [BigInt(match[1]!), BigInt(match[2]!)];
}

/** The id in its canonical form, or null when the text is not one. */
export function parseAlertLogId(text: string): AlertLogId | null {
  const match = SHAPE.exec(text);
  if (!match) return null;
  const [ms, seq] = [BigInt(match[1]!), BigInt(match[2]!)];
  if (ms > MAX_PART || seq > MAX_PART) return null;
  return `${ms}-${seq}`;
}

/** Negative, zero or positive as `a` is before, the same as or after `b`. */
export function compareAlertLogIds(a: AlertLogId, b: AlertLogId): number {
  const [aMs, aSeq] = parts(a);
  const [bMs, bSeq] = parts(b);
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  if (aSeq !== bSeq) return aSeq < bSeq ? -1 : 1;
  return 0;
}
