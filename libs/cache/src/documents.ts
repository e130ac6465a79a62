import { type BreachDocument, type CashflowDocument, type CohortDocument } from '@cvf/domain';

/** One cohort of one view, as cached: the wire documents the rollups are built from. */
export interface CohortEntry {
  readonly cohort: CohortDocument;
  /** Failed actual periods of this cohort (predicted failures show in `cohort.periods`). */
  readonly breaches: readonly BreachDocument[];
}

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

/**
 * `GET /companies/{id}/metrics`. Money is a string with 2 decimals, ratios with 6; null
 * where undefined. Definitions (over the company's cohorts, actual view unless stated):
 * - `owed_this_month`: the actual view's collections falling in `as_of_month` (the month of
 *   the injected clock, UTC), "0.00" when none; `owed_by_month` is that view's
 *   `monthly_collections`.
 * - `breaches_count`: failed actual periods (the actual view's `breaches`).
 * - `total_investment`: Σ investment of funded cohorts with spend; `total_collected`:
 *   Σ cumulative collected of funded cohorts. Both sum the documents' 2-decimal amounts,
 *   so they add up to the cohort table a company sees.
 * - `moic_to_date`: total_collected ÷ total_investment; null when nothing is invested.
 * - `cac_estimate`: Σ effective spend ÷ Σ customers over cohorts with spend > 0 and
 *   customers; null when there are none.
 * - `ltv_estimate`: Σ payments over the horizon (actual + predicted) ÷ Σ customers over
 *   cohorts with customers, in the `ltv_scenario` view (AVERAGE when the company has it,
 *   else the first scenario it has); with no assumptions, actual payments only
 *   (`ltv_scenario` null). Null when the company has no customers.
 */
export interface CompanyMetrics {
  readonly as_of_month: string;
  readonly owed_this_month: string;
  readonly owed_by_month: readonly { readonly month: string; readonly amount: string }[];
  readonly breaches_count: number;
  readonly total_investment: string;
  readonly total_collected: string;
  readonly moic_to_date: string | null;
  readonly cac_estimate: string | null;
  readonly ltv_estimate: string | null;
  readonly ltv_scenario: string | null;
  readonly cohorts_count: number;
  readonly capped_cohorts_count: number;
}

export interface StoredMetrics extends ResultMetadata {
  readonly metrics: CompanyMetrics;
}
