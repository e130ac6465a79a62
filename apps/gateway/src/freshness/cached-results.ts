import { Inject, Injectable } from '@nestjs/common';
import {
  CACHE_REDIS,
  CacheKeys,
  CohortRecomputer,
  type StoredMetrics,
  fromSortable,
  toSortable,
  type ViewKey,
} from '@cvf/cache';
import { type CashflowDocument, NotFoundError, type Scenario } from '@cvf/domain';
import { type LogPosition } from '@cvf/event-store';
import { loadCompanyTerms } from '@cvf/read-model';
import { Redis } from 'ioredis';
import { NotYetConsistentError } from '../http/not-yet-consistent';
import {
  Coalescer,
  POLL_MS,
  READ_YOUR_WRITES_WAIT_MS,
  SELF_RECOMPUTE_AFTER_MS,
  SingleFlight,
  sleep,
} from './polling';
import { ReadModelGate } from './read-model-gate';
import { RollupMemo } from './rollup-memo';
import { parseTagged, positionOf, rollupDocument, tagOf } from './tagged-value';

/** What a read returns: anything that says which position tag it carries. */
interface Tagged {
  readonly tag: string;
}

/** A cached result and the encoded log position it reflects (for X-Log-Position). */
export interface Served<T> {
  readonly value: T;
  readonly position: string;
}

/**
 * The gateway's reads of computed results (libs/cache layout). Served from Redis; on a miss
 * the company is recomputed through `CohortRecomputer.recompute(company, 'all')`, which fills
 * the cache, and the filled value is served. With `min`, a read waits (bounded) until the
 * value reflects that position: either its tag has reached it, or the read models have and
 * the value already holds every event of this company they hold (a write to another company
 * never changes this one's results, so its position is reached without a recompute).
 */
@Injectable()
export class CachedResults {
  private readonly fills = new SingleFlight<void>();
  private readonly tags: Coalescer<string>;
  private readonly memo: RollupMemo;

  constructor(
    @Inject(CACHE_REDIS) private readonly redis: Redis,
    private readonly keys: CacheKeys,
    private readonly recomputer: CohortRecomputer,
    private readonly readModel: ReadModelGate,
  ) {
    this.tags = new Coalescer((key) => this.redis.getrange(key, 0, 39), 2);
    this.memo = new RollupMemo(redis);
  }

  /** The rollup document of a view as JSON bytes: the hot path, no parse, no serialisation. */
  async rollupJson(
    companyId: string,
    view: ViewKey,
    min: LogPosition | null,
  ): Promise<Served<Buffer>> {
    const key = this.keys.rollup(companyId, view);
    const rollup = await this.read(companyId, key, min, view, (k) => this.memo.fetch(k));
    return { value: rollup.json, position: rollup.position };
  }

  async rollup(
    companyId: string,
    view: ViewKey,
    min: LogPosition | null,
  ): Promise<Served<CashflowDocument>> {
    const key = this.keys.rollup(companyId, view);
    const value = await this.read(companyId, key, min, view, (k) => this.value(k));
    return { value: rollupDocument(value.buffer), position: positionOf(value.buffer) };
  }

  async metrics(companyId: string, min: LogPosition | null): Promise<Served<StoredMetrics>> {
    const key = this.keys.metrics(companyId);
    const value = await this.read(companyId, key, min, 'actual', (k) => this.value(k));
    return { value: parseTagged<StoredMetrics>(value.buffer), position: positionOf(value.buffer) };
  }

  private async value(key: string): Promise<{ tag: string; buffer: Buffer } | null> {
    const buffer = await this.redis.getBuffer(key);
    return buffer === null ? null : { tag: tagOf(buffer), buffer };
  }

  private read<T extends Tagged>(
    companyId: string,
    key: string,
    min: LogPosition | null,
    view: ViewKey,
    fetch: (key: string) => Promise<T | null>,
  ): Promise<T> {
    return min === null
      ? this.readNow(companyId, key, view, fetch)
      : this.readAtLeast(companyId, key, min, view, fetch);
  }

  private async readNow<T extends Tagged>(
    companyId: string,
    key: string,
    view: ViewKey,
    fetch: (key: string) => Promise<T | null>,
  ): Promise<T> {
    const cached = await fetch(key);
    if (cached !== null) return cached;
    await this.fill(companyId, view);
    const filled = await fetch(key);
    if (filled === null) throw new Error(`cache key ${key} is still empty after a recompute`);
    return filled;
  }

  private async readAtLeast<T extends Tagged>(
    companyId: string,
    key: string,
    min: LogPosition,
    view: ViewKey,
    fetch: (key: string) => Promise<T | null>,
  ): Promise<T> {
    const started = Date.now();
    const target = toSortable(min);
    let filled = false;
    for (;;) {
      // The 40-byte tag is polled, so a waiting request never pulls a stale document.
      const tag = (await this.tags.get(key)) || null;
      const { projection, company } =
        tag !== null && tag >= target
          ? { projection: null, company: null }
          : await this.readModel.positions(companyId);
      const readModelReached = projection !== null && toSortable(projection) >= target;
      // Reached by its own tag, or the read models hold the write and this value already
      // holds every event of the company they hold (a write elsewhere changes nothing here).
      const reached =
        tag !== null &&
        (tag >= target || (readModelReached && (company === null || tag >= toSortable(company))));
      if (reached) {
        const value = await fetch(key);
        if (value !== null && value.tag >= tag) return value;
      } else if (readModelReached && !filled) {
        // A miss (a flushed key) at once; a lagging value once the worker had its chance.
        if (tag === null || Date.now() - started >= SELF_RECOMPUTE_AFTER_MS) {
          await this.fill(companyId, view);
          filled = true;
          continue;
        }
      }
      const waited = Date.now() - started;
      if (waited >= READ_YOUR_WRITES_WAIT_MS) {
        throw new NotYetConsistentError(min, tag === null ? null : fromSortable(tag), waited);
      }
      await sleep(POLL_MS);
    }
  }

  /** Recomputes every cohort of the company into the cache (one at a time per company). */
  private async fill(companyId: string, view: ViewKey): Promise<void> {
    if (view !== 'actual') await this.requireAssumptions(companyId, view);
    await this.fills.run(companyId, async () => {
      const outcome = await this.recomputer.recompute(companyId, 'all');
      if (outcome.status === 'unknown-company') {
        throw new NotFoundError('company', { company_id: companyId });
      }
    });
  }

  /** A predicted view exists only for a scenario with assumptions: 404 rather than recompute. */
  private async requireAssumptions(companyId: string, view: `predicted:${Scenario}`) {
    const scenario = view.slice('predicted:'.length) as Scenario;
    const company = await this.readModel.read(null, (db) =>
      loadCompanyTerms(db, this.readModel.schema, companyId),
    );
    if (company.value === null) throw new NotFoundError('company', { company_id: companyId });
    if (!company.value.assumptions.has(scenario)) {
      throw new NotFoundError('prediction assumptions', { company_id: companyId, scenario });
    }
  }
}
