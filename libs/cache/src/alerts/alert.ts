import { type CashflowDocument, type CohortDocument, Dec } from '@cvf/domain';

export type AlertType = 'ThresholdBreached' | 'CohortCapped' | 'DeliveryRejected';

export const ALERT_TYPES: readonly AlertType[] = [
  'ThresholdBreached',
  'CohortCapped',
  'DeliveryRejected',
];

/**
 * What operations hear about. `alert_id` is deterministic (the same breach always has the
 * same id), so consumers of this at-least-once stream dedupe on it.
 */
export type Alert = BreachAlert | DeliveryRejectedAlert;

/** A cohort that missed a threshold, or reached its cash cap. */
export interface BreachAlert {
  readonly alert_id: string;
  readonly type: 'ThresholdBreached' | 'CohortCapped';
  readonly company_id: string;
  readonly cohort_month: string;
  /** The failed period, or the period in which the cap was reached. */
  readonly period: number;
  /** Calendar month of that period, `YYYY-MM-01`. */
  readonly month: string;
  /** Payment ÷ effective spend (6 decimals); null for CohortCapped. */
  readonly ratio: string | null;
  /** The threshold's minimum payment percent; null for CohortCapped. */
  readonly minimum: string | null;
  /** `encodePosition` of the results the alert was detected in. */
  readonly position: string;
  readonly detected_at: string;
}

/**
 * A payment processor's delivery that could not be recorded as it stands (another currency
 * without a settlement in the company's, a refund above the payment, …): kept in the
 * delivery log, replayable once fixed.
 */
export interface DeliveryRejectedAlert {
  readonly alert_id: string;
  readonly type: 'DeliveryRejected';
  readonly company_id: string;
  readonly provider: string;
  readonly event_id: string;
  readonly event_type: string;
  readonly reason: string;
  readonly payment_id: string | null;
  readonly detected_at: string;
}

export const deliveryRejectedAlertId = (
  companyId: string,
  provider: string,
  eventId: string,
): string => `delivery:${companyId}:${provider}:${eventId}`;

/** Where alerts go: Redis pub/sub (all-in-one), Kafka `cvf.alerts.v1` (distributed). */
export interface AlertPublisher {
  /** Resolves once every alert is handed over; delivery is at-least-once. */
  publish(alerts: readonly Alert[]): Promise<void>;
}

export const ALERT_PUBLISHER = Symbol.for('cvf.cache.AlertPublisher');

export const breachAlertId = (companyId: string, cohortMonth: string, period: number): string =>
  `breach:${companyId}:${cohortMonth}:${period}`;
export const cappedAlertId = (companyId: string, cohortMonth: string): string =>
  `capped:${companyId}:${cohortMonth}`;

/**
 * Every alert condition holding in the actual view: one per failed actual period (waived
 * periods are not failures) and one per capped cohort.
 */
export function alertConditions(
  companyId: string,
  actual: CashflowDocument,
  meta: { readonly position: string; readonly detectedAt: string },
): BreachAlert[] {
  const common = { company_id: companyId, position: meta.position, detected_at: meta.detectedAt };
  const breaches = actual.breaches.map((breach): BreachAlert => ({
    alert_id: breachAlertId(companyId, breach.cohort_month, breach.period),
    type: 'ThresholdBreached',
    cohort_month: breach.cohort_month,
    period: breach.period,
    month: breach.month,
    ratio: breach.ratio,
    minimum: breach.minimum,
    ...common,
  }));
  const capped = actual.cohorts.flatMap((cohort): BreachAlert[] => {
    const period = cappingPeriod(cohort);
    if (!period) return [];
    return [
      {
        alert_id: cappedAlertId(companyId, cohort.cohort_month),
        type: 'CohortCapped',
        cohort_month: cohort.cohort_month,
        period: period.period,
        month: period.month,
        ratio: null,
        minimum: null,
        ...common,
      },
    ];
  });
  return [...breaches, ...capped];
}

/** The first period whose cumulative collected reaches the cash cap. */
function cappingPeriod(cohort: CohortDocument): { period: number; month: string } | undefined {
  if (cohort.capped !== true || cohort.cash_cap === undefined) return undefined;
  const cap = new Dec(cohort.cash_cap);
  return cohort.periods.find(
    (p) => p.cumulative_collected !== null && new Dec(p.cumulative_collected).eq(cap),
  );
}
