import { type CashflowDocument, type CohortDocument, Dec } from '@cvf/domain';
import { parseAlertLogId } from './alert-log-id';

export type AlertType = 'ThresholdBreached' | 'CohortCapped' | 'DeliveryRejected';

export const ALERT_TYPES: readonly AlertType[] = [
  'ThresholdBreached',
  'CohortCapped',
  'DeliveryRejected',
];

/**
 * What operations hear about. `alert_id` is deterministic (the same breach always has the
 * same id), so consumers of this at-least-once stream dedupe on it; a breach re-sent because
 * what it says changed keeps its id and says `change: 'updated'`.
 */
export type Alert = BreachAlert | DeliveryRejectedAlert;

/**
 * An alert as it is published: with `log_id`, its id in the retained alert log
 * (alert-log.ts), when it was retained there (every alert the worker publishes is).
 */
export type PublishedAlert = Alert & { readonly log_id?: string };

/**
 * `raised`: the condition newly holds. `updated`: it held and was published already, and is
 * published again because what it says changed (the ratio or minimum of a breach, the period
 * a cap was reached in).
 */
export type AlertChange = 'raised' | 'updated';

/** A cohort that missed a threshold, or reached its cash cap. */
export interface BreachAlert {
  readonly alert_id: string;
  readonly type: 'ThresholdBreached' | 'CohortCapped';
  readonly change: AlertChange;
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

/**
 * A message off the wire (pub/sub, Kafka, the alert log) as an alert, or null when it is not
 * one (never trusted blindly): an alert id, a company and a known type, and a `log_id`, when
 * there is one, that is an alert log id.
 */
export function parseAlert(message: string): PublishedAlert | null {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const alert = value as Partial<Record<keyof PublishedAlert, unknown>>;
  const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
  if (
    !isText(alert.alert_id) ||
    !isText(alert.company_id) ||
    !ALERT_TYPES.includes(alert.type as AlertType)
  ) {
    return null;
  }
  if (alert.log_id === undefined) return value as PublishedAlert;
  const logId = isText(alert.log_id) ? parseAlertLogId(alert.log_id) : null;
  return logId === null ? null : { ...(value as Alert), log_id: logId };
}

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
    change: 'raised',
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
        change: 'raised',
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

/**
 * What a condition says beyond its identity: a condition published with another content is
 * re-sent as an update. Never empty (an empty content stands for "published before contents
 * were kept": adopted without an update).
 */
export const alertContent = (alert: BreachAlert): string =>
  JSON.stringify([alert.period, alert.month, alert.ratio, alert.minimum]);

/** The first period whose cumulative collected reaches the cash cap. */
function cappingPeriod(cohort: CohortDocument): { period: number; month: string } | undefined {
  if (cohort.capped !== true || cohort.cash_cap === undefined) return undefined;
  const cap = new Dec(cohort.cash_cap);
  return cohort.periods.find(
    (p) => p.cumulative_collected !== null && new Dec(p.cumulative_collected).eq(cap),
  );
}
