import { type CohortTotals, type MonthIndex } from '@cvf/domain';
import { type LogPosition } from '@cvf/event-store';
import { DEFAULT_READ_MODEL_SCHEMA, quoteSchema, type Queryable } from '../sql';
import { type CompanyTermsView, loadCompanyTerms } from './company-terms.query';
import { listCohortMonths, loadCohortTotals } from './cohort-totals.query';
import { companyPosition, projectionPosition } from './positions.query';

/** The read side's queries bound to one pool and schema: what the worker and gateway inject. */
export class ReadModelQueries {
  constructor(
    private readonly db: Queryable,
    private readonly schema: string = DEFAULT_READ_MODEL_SCHEMA,
  ) {
    quoteSchema(schema);
  }

  loadCompanyTerms(companyId: string): Promise<CompanyTermsView | null> {
    return loadCompanyTerms(this.db, this.schema, companyId);
  }

  loadCohortTotals(
    companyId: string,
    cohortMonths: readonly MonthIndex[] | 'all',
  ): Promise<Map<MonthIndex, CohortTotals>> {
    return loadCohortTotals(this.db, this.schema, companyId, cohortMonths);
  }

  listCohortMonths(companyId: string): Promise<MonthIndex[]> {
    return listCohortMonths(this.db, this.schema, companyId);
  }

  projectionPosition(): Promise<LogPosition | null> {
    return projectionPosition(this.db, this.schema);
  }

  companyPosition(companyId: string): Promise<LogPosition | null> {
    return companyPosition(this.db, this.schema, companyId);
  }
}
