export * from './terms';
export * from './cohort-totals';
export * from './cohort-cashflows';
export * from './company-cashflows';
export * from './report-document';
export * from './company-rollup';
export * from './company-metrics';
export * from './cohort-table';
export { monthlyIrr, annualise } from './irr';
