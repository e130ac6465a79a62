import {
  type CashflowDocument,
  type CohortTotals,
  computeCohort,
  DEFAULT_HORIZON,
  formatMonth,
  type MonthIndex,
  TermsIndex,
} from '@cvf/domain';
import { encodePosition } from '@cvf/event-store';
import { type Alert } from '../alerts/alert';
import { type BreachAlerter } from '../alerts/breach-alerter';
import { type CohortCache } from '../cohort-cache';
import { type Clock } from '../clock';
import { type CohortEntry, type StoredMetrics, type StoredRollup } from '../documents';
import { companyViews, type NamedView, type ViewKey } from '../layout';
import { companyMetrics, monthOf } from '../metrics';
import { minPosition } from '../position';
import { type CompanyReadModel } from '../read-model.port';
import { cohortEntry, rollUpEntries } from '../rollup';

export interface RecomputeOptions {
  /**
   * The furthest log position scheduled for these dirty cohorts (the worker passes the dirty
   * set's). The rollups are tagged with the earlier of it and the company position: a cohort
   * dirtied after it may still await its own job, so the rollup claims no more than that.
   */
  readonly scheduledPosition?: string;
}

export type RecomputeOutcome =
  | { readonly status: 'unknown-company' }
  | {
      readonly status: 'computed';
      /** Tag of the cohort entries: the company position read before loading totals. */
      readonly position: string;
      /** Tag of the rollups and metrics. */
      readonly rollupPosition: string;
      /** Cohorts computed by the engine (dirty ones, plus entries missing from the cache). */
      readonly computedCohorts: number;
      readonly rollups: ReadonlyMap<ViewKey, StoredRollup>;
      readonly metrics: StoredMetrics;
      /** false when a newer actual rollup was already cached (nothing else was reported). */
      readonly rollupWritten: boolean;
      readonly alerts: readonly Alert[];
    };

type EntriesByView = Map<ViewKey, Map<string, CohortEntry>>;

/**
 * Recomputes the cohorts an event touched and rebuilds the company rollups from the cached
 * entries of the others. Used by the worker (dirty cohorts) and by the gateway on a cache miss
 * ('all'). A job's cost follows the number of cohorts, never the payment history: it reads
 * only the dirty cohorts' totals and never recomputes a clean cohort that is cached.
 */
export class CohortRecomputer {
  constructor(
    private readonly readModel: CompanyReadModel,
    private readonly cache: CohortCache,
    private readonly alerter: BreachAlerter | null,
    private readonly clock: Clock,
    private readonly horizon: number = DEFAULT_HORIZON,
  ) {}

  async recompute(
    companyId: string,
    dirty: readonly MonthIndex[] | 'all',
    options: RecomputeOptions = {},
  ): Promise<RecomputeOutcome> {
    // Read first: whatever is loaded afterwards is at least this fresh (a conservative tag).
    const logPosition = await this.readModel.companyPosition(companyId);
    if (logPosition === null) return { status: 'unknown-company' };
    const position = encodePosition(logPosition);
    const [company, months] = await Promise.all([
      this.readModel.loadCompanyTerms(companyId),
      this.readModel.listCohortMonths(companyId),
    ]);
    if (company === null) return { status: 'unknown-company' };
    const index = new TermsIndex(company.terms);
    const views = companyViews(company.assumptions, this.horizon);
    const meta = { position, computedAt: this.clock.now().toISOString() };

    const shown = new Set(months);
    // A dirty cohort that no longer shows (its customers moved) simply drops out of the rollup.
    const dirtyMonths = dirty === 'all' ? months : [...new Set(dirty)].filter((m) => shown.has(m));
    const totals =
      dirtyMonths.length === 0
        ? new Map<MonthIndex, CohortTotals>()
        : await this.readModel.loadCohortTotals(companyId, dirty === 'all' ? 'all' : dirtyMonths);
    const { currency } = company;
    const fresh = computeEntries(dirtyMonths, totals, index, views, currency);
    const accepted = await Promise.all(
      views.map((v) => this.cache.writeEntries(companyId, v.key, meta, fresh.get(v.key)!)),
    );

    // Entries refused by the guard were beaten by newer ones: the rollup reads those instead.
    const byView = new Map<ViewKey, Map<string, CohortEntry>>();
    const missing = new Set<MonthIndex>();
    await Promise.all(
      views.map(async (v, i) => {
        const own = fresh.get(v.key)!;
        const ownMonths = new Set(accepted[i]);
        const needed = months.map(formatMonth).filter((m) => !ownMonths.has(m));
        const cached = await this.cache.readEntries(companyId, v.key, needed);
        const entries = new Map<string, CohortEntry>();
        for (const month of months) {
          const key = formatMonth(month);
          const entry = ownMonths.has(key) ? own.get(key) : cached.get(key)?.entry;
          if (entry) entries.set(key, entry);
          else missing.add(month);
        }
        byView.set(v.key, entries);
      }),
    );
    if (missing.size > 0) {
      // Expired or flushed entries: compute them like dirty ones rather than fail the rollup.
      const missingMonths = [...missing].sort((a, b) => a - b);
      const missingTotals = await this.readModel.loadCohortTotals(companyId, missingMonths);
      const filled = computeEntries(missingMonths, missingTotals, index, views, currency);
      await Promise.all(
        views.map((v) => this.cache.writeEntries(companyId, v.key, meta, filled.get(v.key)!)),
      );
      for (const v of views) {
        for (const [month, entry] of filled.get(v.key)!) byView.get(v.key)!.set(month, entry);
      }
    }

    const rollupPosition =
      dirty === 'all' || options.scheduledPosition === undefined
        ? position
        : minPosition(position, options.scheduledPosition);
    return this.writeRollups(companyId, views, byView, {
      currency,
      position,
      rollupPosition,
      computedAt: meta.computedAt,
      computedCohorts: dirtyMonths.length + missing.size,
    });
  }

  private async writeRollups(
    companyId: string,
    views: readonly NamedView[],
    byView: EntriesByView,
    facts: {
      currency: string;
      position: string;
      rollupPosition: string;
      computedAt: string;
      computedCohorts: number;
    },
  ): Promise<RecomputeOutcome> {
    const stamp = { position: facts.rollupPosition, computed_at: facts.computedAt };
    const rollups = new Map<ViewKey, StoredRollup>();
    for (const v of views) {
      const entries = [...byView.get(v.key)!.values()];
      rollups.set(v.key, {
        ...stamp,
        document: rollUpEntries(v.view.kind, entries, facts.currency),
      });
    }
    const actual = rollups.get('actual')!.document;
    const predicted = new Map<string, CashflowDocument>();
    for (const [key, rollup] of rollups) if (key !== 'actual') predicted.set(key, rollup.document);
    const metrics: StoredMetrics = {
      ...stamp,
      metrics: companyMetrics(actual, predicted, monthOf(this.clock.now())),
    };
    const keys = [...rollups.keys()];
    const written = await Promise.all(
      keys.map((key) => this.cache.writeRollup(companyId, key, rollups.get(key)!)),
    );
    const rollupWritten = written[keys.indexOf('actual')] === true;
    await this.cache.writeMetrics(companyId, metrics);
    // Only the writer of the newest actual rollup reports: an older one could re-alert a
    // breach that a newer result already cleared.
    const alerts =
      rollupWritten && this.alerter
        ? await this.alerter.report(companyId, actual, {
            position: facts.rollupPosition,
            detectedAt: facts.computedAt,
          })
        : [];
    return {
      status: 'computed',
      position: facts.position,
      rollupPosition: facts.rollupPosition,
      computedCohorts: facts.computedCohorts,
      rollups,
      metrics,
      rollupWritten,
      alerts,
    };
  }
}

function computeEntries(
  months: readonly MonthIndex[],
  totals: ReadonlyMap<MonthIndex, CohortTotals>,
  index: TermsIndex,
  views: readonly NamedView[],
  currency: string,
): EntriesByView {
  const byView: EntriesByView = new Map(views.map((v) => [v.key, new Map<string, CohortEntry>()]));
  for (const month of months) {
    const terms = index.forCohort(month);
    for (const v of views) {
      const result = computeCohort(totals.get(month), month, terms, v.view);
      byView.get(v.key)!.set(formatMonth(month), cohortEntry(result, currency));
    }
  }
  return byView;
}
