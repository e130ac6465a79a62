import { type CashflowDocument } from '@cvf/domain';
import { decodePosition, type LogPosition } from '@cvf/event-store';
import { type Redis, type Result } from 'ioredis';
import { type StoredMetrics, type StoredRollup } from './documents';
import { type CacheKeys, POSITION_TAG_LENGTH, type ViewKey } from './layout';
import { fromSortable } from './position';

/** A computed result as cached, and the log position it reflects (at least). */
export interface CachedValue<T> {
  readonly value: T;
  readonly position: LogPosition;
}

/**
 * Reads of the computed results for the edge (the gateway): what a result holds and which
 * position it reflects, without the caller knowing the key layout or the `<pos40>|<json>`
 * value layout (layout.ts; the writer is CohortCache). Every read goes to Redis: a flushed
 * or replaced key is seen on the very next read. Each method answers null when the result
 * is not cached.
 */
export class CachedResultsReader {
  private readonly memo: RollupMemo;

  constructor(
    private readonly redis: Redis,
    private readonly keys: CacheKeys,
    options: { readonly memoMaxBytes?: number } = {},
  ) {
    this.memo = new RollupMemo(redis, options.memoMaxBytes);
  }

  /** The position the rollup of a view reflects: its 40-byte tag, not the document. */
  rollupPosition(companyId: string, view: ViewKey): Promise<LogPosition | null> {
    return this.positionAt(this.keys.rollup(companyId, view));
  }

  /** The position the metrics reflect: their 40-byte tag, not the document. */
  metricsPosition(companyId: string): Promise<LogPosition | null> {
    return this.positionAt(this.keys.metrics(companyId));
  }

  /**
   * The rollup's document as JSON bytes, exactly `JSON.stringify(stored.document)`: the hot
   * path of `GET /cashflows`, no parse, no serialisation, and for a document served
   * recently not even its transfer from Redis (see RollupMemo).
   */
  rollupJson(companyId: string, view: ViewKey): Promise<CachedValue<Buffer> | null> {
    return this.memo.fetch(this.keys.rollup(companyId, view));
  }

  async rollup(companyId: string, view: ViewKey): Promise<CachedValue<CashflowDocument> | null> {
    const value = await this.redis.getBuffer(this.keys.rollup(companyId, view));
    return value && { value: rollupDocument(value), position: positionOfValue(value) };
  }

  async metrics(companyId: string): Promise<CachedValue<StoredMetrics> | null> {
    const value = await this.redis.getBuffer(this.keys.metrics(companyId));
    return value && { value: parseTagged<StoredMetrics>(value), position: positionOfValue(value) };
  }

  private async positionAt(key: string): Promise<LogPosition | null> {
    // GETRANGE of an absent key is ''.
    const tag = await this.redis.getrange(key, 0, POSITION_TAG_LENGTH - 1);
    return tag === '' ? null : positionOfTag(tag);
  }
}

// ---- The value layout, read without a JSON round trip where none is needed ----

const JSON_START = POSITION_TAG_LENGTH + 1;

function positionOfTag(tag: string): LogPosition {
  return decodePosition(fromSortable(tag));
}

/** The log position a stored value is tagged with. */
export function positionOfValue(value: Buffer): LogPosition {
  return positionOfTag(value.toString('latin1', 0, POSITION_TAG_LENGTH));
}

export function parseTagged<T>(value: Buffer): T {
  return JSON.parse(value.toString('utf8', JSON_START)) as T;
}

export function rollupDocument(value: Buffer): CashflowDocument {
  return parseTagged<StoredRollup>(value).document;
}

// A StoredRollup is written as JSON.stringify({ position, computed_at, document }) (the
// recomputer builds it in that order): the document is the last member, so its JSON is a
// slice of the stored bytes. The pattern only admits the characters those two fields can
// hold (no quote, no escape).
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
  return Buffer.from(JSON.stringify(rollupDocument(value)));
}

// ---- RollupMemo ----

interface Entry extends CachedValue<Buffer> {
  readonly head: Buffer;
  readonly length: number;
}

/**
 * Enough of a stored rollup to tell two writes apart: the 40-digit position tag, then
 * `{"position":…,"computed_at":"<ISO instant, ms>",` and the start of the document.
 */
const HEAD_BYTES = 160;
const DEFAULT_MEMO_MAX_BYTES = 64 * 1024 * 1024;

const ABSENT = -1;
const SAME = 1;
// Compares the stored value with the remembered head and length without sending it back.
const SAME_VALUE = `
local length = redis.call('STRLEN', KEYS[1])
if length == 0 then return ${ABSENT} end
if tonumber(ARGV[2]) == length and redis.call('GETRANGE', KEYS[1], 0, ARGV[3]) == ARGV[1] then
  return ${SAME}
end
return 0`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** -1 absent, 1 same head and length, 0 changed. */
    cvfSameValue(
      key: string,
      head: Buffer,
      length: number,
      lastHeadByte: number,
    ): Result<number, Context>;
  }
}

const registered = new WeakSet<Redis>();

function withMemoScript(redis: Redis): Redis {
  if (!registered.has(redis)) {
    redis.defineCommand('cvfSameValue', { numberOfKeys: 1, lua: SAME_VALUE });
    registered.add(redis);
  }
  return redis;
}

/**
 * The documents of recently served rollups, checked against Redis on every read: a read
 * costs one script call comparing the stored value's head and length with the remembered
 * ones (~200 bytes each way) instead of pulling the whole document (hundreds of KiB for a
 * company with years of cohorts), and the document goes out only if the stored value still
 * starts with the same head and has the same length. A rewrite changes the head: every
 * write of a rollup carries the time it was computed, to the millisecond.
 */
class RollupMemo {
  private readonly entries = new Map<string, Entry>();
  /** Loads in flight: concurrent reads of a changed value share one. */
  private readonly loads = new Map<string, Promise<Entry | null>>();
  private bytes = 0;
  private readonly redis: Redis;

  constructor(
    redis: Redis,
    private readonly maxBytes: number = DEFAULT_MEMO_MAX_BYTES,
  ) {
    this.redis = withMemoScript(redis);
  }

  /** The stored rollup's document, or null when the key is absent. */
  async fetch(key: string): Promise<Entry | null> {
    const known = this.entries.get(key);
    if (known) {
      const same = await this.redis.cvfSameValue(key, known.head, known.length, HEAD_BYTES - 1);
      if (same === ABSENT) return null;
      if (same === SAME) {
        // Most recently used last: eviction takes from the front.
        this.entries.delete(key);
        this.entries.set(key, known);
        return known;
      }
    }
    const loading = this.loads.get(key);
    if (loading) return loading;
    const load = this.load(key).finally(() => this.loads.delete(key));
    this.loads.set(key, load);
    return load;
  }

  private async load(key: string): Promise<Entry | null> {
    const value = await this.redis.getBuffer(key);
    if (value === null) return null;
    const entry: Entry = {
      head: Buffer.from(value.subarray(0, HEAD_BYTES)),
      length: value.length,
      // A copy: a slice would keep the whole socket chunk it came in alive.
      value: Buffer.from(rollupDocumentJson(value)),
      position: positionOfValue(value),
    };
    this.remember(key, entry);
    return entry;
  }

  private remember(key: string, entry: Entry): void {
    const previous = this.entries.get(key);
    if (previous) {
      this.entries.delete(key);
      this.bytes -= previous.value.length;
    }
    if (entry.value.length > this.maxBytes) return;
    this.entries.set(key, entry);
    this.bytes += entry.value.length;
    for (const [oldKey, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldKey);
      this.bytes -= old.value.length;
    }
  }
}
