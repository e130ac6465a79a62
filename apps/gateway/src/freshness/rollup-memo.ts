import { type Redis, type Result } from 'ioredis';
import { SingleFlight } from './polling';
import { positionOf, rollupDocumentJson, tagOf } from './tagged-value';

/** A rollup as served: the document's JSON bytes and the position they reflect. */
export interface RollupJson {
  readonly tag: string;
  readonly json: Buffer;
  readonly position: string;
}

interface Entry extends RollupJson {
  readonly head: Buffer;
  readonly length: number;
}

/**
 * Enough of a stored rollup to tell two writes apart: the 40-digit position tag, then
 * `{"position":…,"computed_at":"<ISO instant, ms>",` and the start of the document.
 */
const HEAD_BYTES = 160;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

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
    cvfGatewaySameValue(
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
    redis.defineCommand('cvfGatewaySameValue', { numberOfKeys: 1, lua: SAME_VALUE });
    registered.add(redis);
  }
  return redis;
}

/**
 * The documents of recently served rollups, checked against Redis on every request: a
 * request costs one script call comparing the stored value's head and length with the
 * remembered ones (~200 bytes each way) instead of pulling the whole document (hundreds of
 * KiB for a company with years of cohorts), and the document goes out only if the stored
 * value still starts with the same head and has the same length. A rewrite changes the head: every write of a rollup carries
 * the time it was computed, to the millisecond. Still served from Redis: a flushed or
 * replaced key is seen on the very next request.
 */
export class RollupMemo {
  private readonly entries = new Map<string, Entry>();
  private readonly loads = new SingleFlight<Entry | null>();
  private bytes = 0;

  private readonly redis: Redis;

  constructor(
    redis: Redis,
    private readonly maxBytes: number = DEFAULT_MAX_BYTES,
  ) {
    this.redis = withMemoScript(redis);
  }

  /** The stored rollup's document, or null when the key is absent. */
  async fetch(key: string): Promise<RollupJson | null> {
    const known = this.entries.get(key);
    if (known) {
      const same = await this.redis.cvfGatewaySameValue(
        key,
        known.head,
        known.length,
        HEAD_BYTES - 1,
      );
      if (same === ABSENT) return null;
      if (same === SAME) {
        // Most recently used last: eviction takes from the front.
        this.entries.delete(key);
        this.entries.set(key, known);
        return known;
      }
    }
    // Concurrent requests for a changed value share one load.
    return this.loads.run(key, () => this.load(key));
  }

  private async load(key: string): Promise<Entry | null> {
    const value = await this.redis.getBuffer(key);
    if (value === null) return null;
    const entry: Entry = {
      head: Buffer.from(value.subarray(0, HEAD_BYTES)),
      length: value.length,
      tag: tagOf(value),
      // A copy: a slice would keep the whole socket chunk it came in alive.
      json: Buffer.from(rollupDocumentJson(value)),
      position: positionOf(value),
    };
    this.remember(key, entry);
    return entry;
  }

  private remember(key: string, entry: Entry): void {
    const previous = this.entries.get(key);
    if (previous) {
      this.entries.delete(key);
      this.bytes -= previous.json.length;
    }
    if (entry.json.length > this.maxBytes) return;
    this.entries.set(key, entry);
    this.bytes += entry.json.length;
    for (const [oldKey, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldKey);
      this.bytes -= old.json.length;
    }
  }
}
