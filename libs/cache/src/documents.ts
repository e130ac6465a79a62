import { type CashflowDocument, type CohortEntry, type CompanyMetrics } from '@cvf/domain';

// One cohort of one view as cached, and the company metrics: defined with their rules in
// @cvf/domain (engine/company-rollup.ts, engine/company-metrics.ts).
export type { CohortEntry, CompanyMetrics };

/** What every cached result says about its freshness. */
export interface ResultMetadata {
  /** `encodePosition` of the read model's position the result reflects (at least). */
  readonly position: string;
  /** ISO-8601 instant the result was computed. */
  readonly computed_at: string;
}

export interface StoredCohortEntry extends ResultMetadata {
  readonly entry: CohortEntry;
}

/** The per-company rollup of one view: the document the CLI prints and the gateway serves. */
export interface StoredRollup extends ResultMetadata {
  readonly document: CashflowDocument;
}

export interface StoredMetrics extends ResultMetadata {
  readonly metrics: CompanyMetrics;
}
