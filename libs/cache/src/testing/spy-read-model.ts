import { type MonthIndex } from '@cvf/domain';
import { type LogPosition } from '@cvf/event-store';
import { type CompanyReadModel } from '../read-model.port';

/** Delegates to a real read model, records which cohort totals were asked for. */
export class SpyReadModel implements CompanyReadModel {
  readonly totalsRequests: (readonly MonthIndex[] | 'all')[] = [];
  /** When set, answered instead of the real company position (a stale reader). */
  positionOverride: LogPosition | null | undefined = undefined;

  constructor(private readonly inner: CompanyReadModel) {}

  companyPosition(companyId: string): Promise<LogPosition | null> {
    if (this.positionOverride !== undefined) return Promise.resolve(this.positionOverride);
    return this.inner.companyPosition(companyId);
  }
  loadCompanyTerms(companyId: string): ReturnType<CompanyReadModel['loadCompanyTerms']> {
    return this.inner.loadCompanyTerms(companyId);
  }
  listCohortMonths(companyId: string): Promise<MonthIndex[]> {
    return this.inner.listCohortMonths(companyId);
  }
  loadCohortTotals(
    companyId: string,
    cohortMonths: readonly MonthIndex[] | 'all',
  ): ReturnType<CompanyReadModel['loadCohortTotals']> {
    this.totalsRequests.push(cohortMonths === 'all' ? 'all' : [...cohortMonths]);
    return this.inner.loadCohortTotals(companyId, cohortMonths);
  }
}
