// The company rollup from cached per-cohort entries is a domain rule: @cvf/domain
// `rollUpCohortEntries` (libs/domain/src/engine/company-rollup.ts). These names stay for the
// cache's callers.
export { cohortEntry, rollUpCohortEntries as rollUpEntries, sumMoney } from '@cvf/domain';
