import { type Redis, type Result } from 'ioredis';

/**
 * The Lua scripts behind the position guard, registered with ioredis `defineCommand` (sent
 * by EVALSHA, re-sent by EVAL after a script flush). Values written by the guards start with
 * the 40-digit sortable position (position.ts) and a `|`; the scripts compare those prefixes
 * as strings: never `tonumber`, which would round a 64-bit id to a double.
 *
 * Equal positions replace. Two results tagged with the same position both reflect at least
 * that position, and the later one may hold more (a follow-up job re-rolls a company at the
 * position an earlier job already used, after the cohorts dirtied in between): refusing it
 * would keep the stale rollup. Only a strictly newer tag blocks a write.
 */

const PUT_IF_NEWER = `
local old = redis.call('GET', KEYS[1])
if old and string.sub(old, 1, 40) > string.sub(ARGV[2], 1, 40) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[1])
return 1`;

const HASH_PUT_IF_NEWER = `
local written = {}
for i = 2, #ARGV, 2 do
  local old = redis.call('HGET', KEYS[1], ARGV[i])
  if old and string.sub(old, 1, 40) > string.sub(ARGV[i + 1], 1, 40) then
    written[#written + 1] = 0
  else
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
    written[#written + 1] = 1
  end
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return written`;

// Dirty cohorts: a hash member → furthest position that dirtied it (a per-member Lua max).
const MARK_DIRTY = `
for i = 3, #ARGV do
  local old = redis.call('HGET', KEYS[1], ARGV[i])
  if (not old) or old < ARGV[2] then redis.call('HSET', KEYS[1], ARGV[i], ARGV[2]) end
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1`;

// Removes members whose position is still the one the worker processed: a member dirtied
// again meanwhile carries a newer position and stays for the follow-up job.
const CLEAR_DIRTY = `
local removed = 0
for i = 1, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    removed = removed + redis.call('HDEL', KEYS[1], ARGV[i])
  end
end
return removed`;

// The reported alerts of a company as alternating id, content: a hash (id → content), or
// the set of ids it replaced (each with an empty content: unknown), or nothing.
const READ_REPORTED = `
local kind = redis.call('TYPE', KEYS[1]).ok
if kind == 'hash' then return redis.call('HGETALL', KEYS[1]) end
if kind ~= 'set' then return {} end
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  out[#out + 1] = id
  out[#out + 1] = ''
end
return out`;

// The reported alerts become the newest conditions (ARGV[3..] alternate id, content), whole:
// whatever the key held before (a set of the former layout included) is replaced. An older
// update (a slower concurrent recompute) is dropped whole.
const UPDATE_REPORTED = `
local old = redis.call('GET', KEYS[2])
if old and old > ARGV[2] then return 0 end
redis.call('DEL', KEYS[1])
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
if #ARGV > 2 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[1])
return 1`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** SET key value EX ttl unless the stored value's position is newer: 1 written, 0 stale. */
    cvfPutIfNewer(key: string, ttlSeconds: number, value: string): Result<number, Context>;
    /** The same per hash field; `fieldValues` alternate field, value. One flag per field. */
    cvfHashPutIfNewer(
      key: string,
      ttlSeconds: number,
      ...fieldValues: string[]
    ): Result<number[], Context>;
    cvfMarkDirty(
      key: string,
      ttlSeconds: number,
      sortable: string,
      ...members: string[]
    ): Result<number, Context>;
    /** `memberPositions` alternate member, sortable position as read. */
    cvfClearDirty(key: string, ...memberPositions: string[]): Result<number, Context>;
    /** Alternating alert id, content published (empty when unknown). */
    cvfReadReported(key: string): Result<string[], Context>;
    /** `idContents` alternate alert id, content: every condition now holding. */
    cvfUpdateReported(
      key: string,
      positionKey: string,
      ttlSeconds: number,
      sortable: string,
      ...idContents: string[]
    ): Result<number, Context>;
  }
}

const registered = new WeakSet<Redis>();

/** Defines the scripts on a connection once; returns it for chaining. */
export function withCacheScripts(redis: Redis): Redis {
  if (registered.has(redis)) return redis;
  redis.defineCommand('cvfPutIfNewer', { numberOfKeys: 1, lua: PUT_IF_NEWER });
  redis.defineCommand('cvfHashPutIfNewer', { numberOfKeys: 1, lua: HASH_PUT_IF_NEWER });
  redis.defineCommand('cvfMarkDirty', { numberOfKeys: 1, lua: MARK_DIRTY });
  redis.defineCommand('cvfClearDirty', { numberOfKeys: 1, lua: CLEAR_DIRTY });
  redis.defineCommand('cvfReadReported', { numberOfKeys: 1, lua: READ_REPORTED });
  redis.defineCommand('cvfUpdateReported', { numberOfKeys: 2, lua: UPDATE_REPORTED });
  registered.add(redis);
  return redis;
}
