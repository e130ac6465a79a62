export * from './terms';
export * from './cohort-totals';
export * from './cohort-cashflows';
export * from './company-cashflows';
export * from './report-document';
export { monthlyIrr, annualise } from './irr';
