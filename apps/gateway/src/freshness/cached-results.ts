import { Injectable } from '@nestjs/common';
import {
  type CachedValue,
  CachedResultsReader,
  CohortRecomputer,
  type StoredMetrics,
  type ViewKey,
} from '@cvf/cache';
import { type CashflowDocument, NotFoundError, type Scenario } from '@cvf/domain';
import { comparePositions, encodePosition, type LogPosition } from '@cvf/event-store';
import { loadCompanyTerms } from '@cvf/read-model';
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

/** A cached result and the encoded log position it reflects (for X-Log-Position). */
export interface Served<T> {
  readonly value: T;
  readonly position: string;
}

/** One computed result of one company, as the read loop sees it. */
interface Source<T> {
  /** Tells this result apart from every other one: waiters on it share their polls. */
  readonly name: string;
  /** The view a fill must produce for the result to be there. */
  readonly view: ViewKey;
  /** The position the cached result reflects, without pulling it; null when not cached. */
  readonly position: () => Promise<LogPosition | null>;
  readonly fetch: () => Promise<CachedValue<T> | null>;
}

/**
 * The gateway's reads of computed results: served from the cache (CachedResultsReader); on
 * a miss the company is recomputed through `CohortRecomputer.recompute(company, 'all')`,
 * which fills the cache, and the filled value is served; a company the read models do not
 * hold yet is waited for (bounded) before that answers 404 (`fillSeeingOwnWrites`). With
 * `min`, a read waits (bounded) until the value reflects that position: either its own
 * position has reached it, or the read models have and the value already holds every event
 * of this company they hold (a write to another company never changes this one's results,
 * so its position is reached without a recompute).
 */
@Injectable()
export class CachedResults {
  private readonly fills = new SingleFlight<void>();
  private readonly positions = new Coalescer<LogPosition | null>(2);

  constructor(
    private readonly reader: CachedResultsReader,
    private readonly recomputer: CohortRecomputer,
    private readonly readModel: ReadModelGate,
  ) {}

  /** The rollup document of a view as JSON bytes: the hot path, no parse, no serialisation. */
  rollupJson(companyId: string, view: ViewKey, min: LogPosition | null): Promise<Served<Buffer>> {
    return this.read(companyId, min, {
      name: `rollup:${view}:${companyId}`,
      view,
      position: () => this.reader.rollupPosition(companyId, view),
      fetch: () => this.reader.rollupJson(companyId, view),
    });
  }

  rollup(
    companyId: string,
    view: ViewKey,
    min: LogPosition | null,
  ): Promise<Served<CashflowDocument>> {
    return this.read(companyId, min, {
      name: `rollup:${view}:${companyId}`,
      view,
      position: () => this.reader.rollupPosition(companyId, view),
      fetch: () => this.reader.rollup(companyId, view),
    });
  }

  metrics(companyId: string, min: LogPosition | null): Promise<Served<StoredMetrics>> {
    return this.read(companyId, min, {
      name: `metrics:${companyId}`,
      view: 'actual',
      position: () => this.reader.metricsPosition(companyId),
      fetch: () => this.reader.metrics(companyId),
    });
  }

  private async read<T>(
    companyId: string,
    min: LogPosition | null,
    source: Source<T>,
  ): Promise<Served<T>> {
    const cached =
      min === null
        ? await this.readNow(companyId, source)
        : await this.readAtLeast(companyId, min, source);
    return { value: cached.value, position: encodePosition(cached.position) };
  }

  private async readNow<T>(companyId: string, source: Source<T>): Promise<CachedValue<T>> {
    const cached = await source.fetch();
    if (cached !== null) return cached;
    await this.fillSeeingOwnWrites(companyId, source.view);
    const filled = await source.fetch();
    if (filled === null) throw new Error(`${source.name} is still not cached after a recompute`);
    return filled;
  }

  private async readAtLeast<T>(
    companyId: string,
    min: LogPosition,
    source: Source<T>,
  ): Promise<CachedValue<T>> {
    const started = Date.now();
    let filled = false;
    for (;;) {
      // The position alone is polled, so a waiting request never pulls a stale document.
      const position = await this.positions.get(source.name, source.position);
      // (comparePositions orders null, "nothing", before every position.)
      const ahead = comparePositions(position, min) >= 0;
      const { projection, company } = ahead
        ? { projection: null, company: null }
        : await this.readModel.positions(companyId);
      const readModelReached = comparePositions(projection, min) >= 0;
      // Reached by its own position, or the read models hold the write and this value
      // already holds every event of the company they hold (a write elsewhere changes
      // nothing here).
      const reached =
        position !== null &&
        (ahead || (readModelReached && comparePositions(position, company) >= 0));
      if (reached) {
        const value = await source.fetch();
        if (value !== null && comparePositions(value.position, position) >= 0) return value;
      } else if (readModelReached && !filled) {
        // A miss (a flushed key) at once; a lagging value once the worker had its chance.
        if (position === null || Date.now() - started >= SELF_RECOMPUTE_AFTER_MS) {
          await this.fill(companyId, source.view);
          filled = true;
          continue;
        }
      }
      const waited = Date.now() - started;
      if (waited >= READ_YOUR_WRITES_WAIT_MS) {
        throw new NotYetConsistentError(min, position && encodePosition(position), waited);
      }
      await sleep(POLL_MS);
    }
  }

  /**
   * `fill` for a read without min_position: a company (or scenario) the read models do not
   * hold yet may be the caller's own write, so a miss waits (bounded) for the log's head and
   * fills once more before it answers 404, as the read-model routes do (ReadModelGate.find).
   */
  private async fillSeeingOwnWrites(companyId: string, view: ViewKey): Promise<void> {
    try {
      await this.fill(companyId, view);
    } catch (error) {
      if (!(error instanceof NotFoundError) || !(await this.readModel.awaitLogHead())) throw error;
      await this.fill(companyId, view);
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
