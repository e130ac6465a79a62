import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createKafka, dropPrefixed, ensureTopics, kafkaTopics } from '@cvf/messaging';
import { Redis } from 'ioredis';
import { type Kafka } from 'kafkajs';
import { Client } from 'pg';
import { deleteKeys } from '@cvf/cache/testing';
import * as processes from '@cvf/platform/testing';

/**
 * What the benches on Kafka run against: scratch databases, cache prefixes, topics and
 * consumer groups named after one random hex and removed afterwards (`withContext`); and the
 * services as built processes from dist/ in either mode (`startServices`), with the CPU they
 * use (`cpuMeter`).
 */

export type Mode = 'distributed' | 'embedded';

export interface Context {
  readonly hex: string;
  /** Of every topic and consumer group the run creates. */
  readonly prefix: string;
  readonly brokers: string;
  readonly redisUrl: string;
  readonly redis: Redis;
  readonly kafka: Kafka;
  /** Cache prefixes whose keys and recompute queues go with the context. */
  readonly caches: string[];
  /** Creates a database that goes with the context; returns its URL. */
  scratch(name: string): Promise<string>;
}

/** Runs `bench` in a fresh context, then drops its databases, cache keys, topics and groups. */
export async function withContext<T>(bench: (ctx: Context) => Promise<T>): Promise<T> {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const brokers = process.env.BENCH_KAFKA_BROKERS ?? '127.0.0.1:9092';
  const hex = randomBytes(4).toString('hex');
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const databases: string[] = [];
  const ctx: Context = {
    ...{ hex, prefix: `bench-${hex}.`, brokers, redisUrl, redis: new Redis(redisUrl) },
    kafka: createKafka({ brokers: brokers.split(','), clientId: `cvf-bench-${hex}` }),
    caches: [],
    scratch: async (name) => {
      await admin.query(`CREATE DATABASE ${name}`);
      databases.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
  };
  try {
    return await bench(ctx);
  } finally {
    for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    for (const prefix of ctx.caches) {
      await deleteKeys(ctx.redis, `${prefix}:*`);
      await deleteKeys(ctx.redis, `bull:${prefix}-recompute:*`);
    }
    ctx.redis.disconnect();
    await dropPrefixed(ctx.kafka, ctx.prefix);
  }
}

export interface Services {
  readonly names: readonly processes.AppName[];
  readonly apps: readonly processes.AppProcess[];
  /** Writes go to the first process (ingest, or the all-in-one), reads to the last. */
  readonly urls: { readonly write: string; readonly read: string };
  readonly cachePrefix: string;
  /** `performance.now()` when the first process was started (topics exist by then). */
  readonly bootedAt: number;
  stop(): Promise<void>;
}

/** Starts the mode's processes on a scratch database and cache prefix, until all are ready:
 * ingest, relay, projector, worker and gateway on Kafka, or the all-in-one process. */
export async function startServices(mode: Mode, ctx: Context): Promise<Services> {
  const cachePrefix = `bench-${mode.slice(0, 4)}-${ctx.hex}`;
  ctx.caches.push(cachePrefix);
  const env: Record<string, string> = {
    CVF_MODE: mode,
    DATABASE_URL: await ctx.scratch(`cvf_bench_${mode}_${ctx.hex}`),
    REDIS_URL: ctx.redisUrl,
    CACHE_PREFIX: cachePrefix,
    RECOMPUTE_QUEUE: `${cachePrefix}-recompute`,
    ALERTS_CHANNEL: `${cachePrefix}:alerts`,
    LOG_LEVEL: 'error',
    ...(mode === 'distributed'
      ? { KAFKA_BROKERS: ctx.brokers, KAFKA_TOPIC_PREFIX: ctx.prefix }
      : { KAFKA_BROKERS: '', CVF_DEMO: 'off' }),
  };
  const names: processes.AppName[] =
    mode === 'distributed' ? ['ingest', 'relay', 'projector', 'worker', 'gateway'] : ['all-in-one'];
  const apps: processes.AppProcess[] = [];
  const stop = async () =>
    void (await Promise.all(apps.map((app) => processes.stopAppProcess(app))));
  try {
    // Created once here, before four processes start (each would create the missing ones).
    if (mode === 'distributed') await ensureTopics(ctx.kafka, kafkaTopics(ctx.prefix));
    const bootedAt = performance.now();
    for (const name of names) apps.push(await processes.startAppProcess(name, env));
    await Promise.all(apps.map(ready));
    const urls = { write: apps[0]!.base, read: apps.at(-1)!.base };
    return { names, apps, urls, cachePrefix, bootedAt, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Every app serves /health/ready (ingest too: it checks PostgreSQL). */
const ready = (app: processes.AppProcess): Promise<void> => processes.untilReady(app, 60_000);

/** CPU seconds used by a process (Linux /proc: utime + stime, 100 ticks a second). */
const cpuSeconds = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
/** The machine's busy and total CPU ticks so far (/proc/stat: idle and iowait are not busy). */
const machineTicks = (): [number, number] => {
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1, 9);
  const [total, idle] = [ticks, ticks.slice(3, 5)].map((l) => l.reduce((s, t) => s + +t, 0));
  return [total! - idle!, total!];
};

/** From now: returns a reading of the CPU seconds each of `pids` has used since, and the
 * percentage of the machine's CPU time that was busy. */
export function cpuMeter(
  pids: readonly number[],
): () => { seconds: number[]; busyPercent: number } {
  const [before, machineBefore] = [pids.map((pid) => cpuSeconds(pid)), machineTicks()];
  return () => {
    const seconds = pids.map((pid, i) => cpuSeconds(pid) - before[i]!);
    const [busy, total] = machineTicks().map((ticks, i) => ticks - machineBefore[i]!);
    return { seconds, busyPercent: (100 * busy!) / total! };
  };
}
