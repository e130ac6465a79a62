// Import as `@cvf/read-model` (tsconfig paths and jest moduleNameMapper map it to this folder).
export { DEFAULT_READ_MODEL_SCHEMA, type Queryable } from './sql';
export { migrateReadModel } from './migrations/migrate';
export {
  ReadModelProjection,
  type BatchResult,
  type ReadModelProjectionOptions,
} from './projection/read-model-projection';
export {
  RECOMPUTE_SCHEDULER,
  type RecomputeJob,
  type RecomputeScheduler,
} from './outbox/recompute-scheduler.port';
export { RecomputeOutboxDispatcher } from './outbox/outbox-dispatcher';
export { ReadModelQueries } from './queries/read-model-queries';
export { loadCompanyTerms, type CompanyTermsView } from './queries/company-terms.query';
export { loadCohortTotals, listCohortMonths } from './queries/cohort-totals.query';
export { projectionPosition, companyPosition } from './queries/positions.query';
export { readModelPositions, type ReadModelPositions } from './queries/freshness.query';
export {
  companyCurrency,
  companyKnown,
  companySummary,
  listCompanies,
  type CompanyCounts,
  type CompanyListRow,
  type CompanySummaryRow,
} from './queries/company-lists.query';
export {
  listCustomers,
  listPayments,
  type CustomerListRow,
  type PaymentFilter,
  type PaymentKey,
  type PaymentListRow,
} from './queries/payments-list.query';
export {
  rebuildReadModels,
  RebuildInProgressError,
  type RebuildOptions,
  type RebuildProgress,
  type RebuildResult,
} from './rebuild/rebuild-read-models';
export { readModelChecksum } from './rebuild/checksum';
