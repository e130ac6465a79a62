import {
  type CohortTotals,
  type CompanyTerms,
  type MonthIndex,
  type PredictionAssumptions,
  type Scenario,
} from '@cvf/domain';
import { type LogPosition } from '@cvf/event-store';

/**
 * What the recomputer reads from the read models: the slice of `@cvf/read-model`'s
 * `ReadModelQueries` it needs, owned here so the recomputer can be tested against any
 * source (the Nest module binds the PostgreSQL queries).
 */
export interface CompanyReadModel {
  /** The last event of this company the read models reflect; null if none. */
  companyPosition(companyId: string): Promise<LogPosition | null>;
  /** Null when the read models have seen no event of the company. */
  loadCompanyTerms(companyId: string): Promise<{
    /** ISO 4217: the currency the company's documents are in. */
    readonly currency: string;
    readonly terms: CompanyTerms;
    readonly assumptions: ReadonlyMap<Scenario, PredictionAssumptions>;
  } | null>;
  /** The cohorts the company shows: months with spend, a trade or customers, ascending. */
  listCohortMonths(companyId: string): Promise<MonthIndex[]>;
  /** Totals of the requested cohorts; a cohort without customers is absent. */
  loadCohortTotals(
    companyId: string,
    cohortMonths: readonly MonthIndex[] | 'all',
  ): Promise<Map<MonthIndex, CohortTotals>>;
}

export const COMPANY_READ_MODEL = Symbol.for('cvf.cache.CompanyReadModel');
