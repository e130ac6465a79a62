import { randomUUID } from 'node:crypto';
import {
  buildCohortTotals,
  type CohortTotals,
  type CompanyEvent,
  companyStreamId,
  type CompanyTerms,
  CURRENT_SCHEMA_VERSION,
  Dec,
  type DomainEvent,
  formatCents,
  type MonthIndex,
  parseMonth,
  type PaymentEvent,
  paymentStreamId,
  type PredictionAssumptions,
  type Scenario,
} from '@cvf/domain';
import { type RecordedEvent } from '@cvf/event-store';

/**
 * Test builder: a company's history as log events for the read-model projection, plus the
 * same facts kept independently as engine inputs: the oracle the cached documents are
 * compared with (`computeCompanyCashflows` over `oracle()`), never derived from the read
 * models under test.
 */
export class CompanyHistory {
  private pending: { streamId: string; event: DomainEvent }[] = [];
  private readonly spends = new Map<MonthIndex, { planned: number; actual: number | null }>();
  private readonly trades = new Map<MonthIndex, { sharing: string; capCents: number }>();
  private readonly thresholds = new Map<number, string>();
  private readonly overrides = new Map<string, { month: MonthIndex; period: number }>();
  private readonly assumptions = new Map<Scenario, PredictionAssumptions>();
  private readonly payments = new Map<
    string,
    { customerId: string; date: string; cents: number; refunded: number; voided: boolean }
  >();

  constructor(readonly companyId: string) {}

  register(name = 'Acme'): this {
    return this.company({
      type: 'CompanyRegistered',
      data: { name, currency: 'USD', timezone: 'UTC' },
    });
  }
  spend(month: string, planned: number, actual?: number): this {
    const known = this.spends.get(monthOf(month));
    this.spends.set(monthOf(month), { planned, actual: actual ?? known?.actual ?? null });
    this.company({
      type: 'SpendPlanned',
      data: { cohort_month: month, planned_spend: formatCents(planned, 2) },
    });
    if (actual === undefined) return this;
    return this.company({
      type: 'SpendActualReported',
      data: { cohort_month: month, actual_spend: formatCents(actual, 2) },
    });
  }
  trade(month: string, sharing: string, capCents: number): this {
    const known = this.trades.has(monthOf(month));
    this.trades.set(monthOf(month), { sharing, capCents });
    const data = {
      cohort_month: month,
      sharing_percentage: sharing,
      cash_cap: formatCents(capCents, 2),
    };
    return this.company(known ? { type: 'TradeAmended', data } : { type: 'TradeCreated', data });
  }
  threshold(period: number, minimum: string): this {
    this.thresholds.set(period, minimum);
    return this.company({
      type: 'ThresholdSet',
      data: { payment_period_month: period, minimum_payment_percent: minimum },
    });
  }
  override(month: string, period: number): this {
    this.overrides.set(`${month}/${period}`, { month: monthOf(month), period });
    return this.company({
      type: 'ThresholdOverridden',
      data: { cohort_month: month, payment_period_month: period, reason: 'test' },
    });
  }
  revokeOverride(month: string, period: number): this {
    this.overrides.delete(`${month}/${period}`);
    return this.company({
      type: 'ThresholdOverrideRevoked',
      data: { cohort_month: month, payment_period_month: period },
    });
  }
  predict(scenario: Scenario, m0: string, churn: string): this {
    this.assumptions.set(scenario, { m0: new Dec(m0), churn: new Dec(churn) });
    return this.company({ type: 'PredictionAssumptionsSet', data: { scenario, m0, churn } });
  }
  /** `cents` of customer `customerId` on `date` (YYYY-MM-DD). */
  pay(paymentId: string, customerId: string, date: string, cents: number): this {
    this.payments.set(paymentId, { customerId, date, cents, refunded: 0, voided: false });
    return this.payment(paymentId, {
      type: 'PaymentRecorded',
      data: {
        payment_id: paymentId,
        customer_id: customerId,
        payment_date: date,
        amount: formatCents(cents, 2),
        source: 'api',
      },
    });
  }
  refund(paymentId: string, cents: number): this {
    this.payments.get(paymentId)!.refunded += cents;
    return this.payment(paymentId, {
      type: 'PaymentRefunded',
      data: { payment_id: paymentId, refund_id: randomUUID(), amount: formatCents(cents, 2) },
    });
  }

  /** The events added since the last call, as the log would hand them to the projection. */
  take(log: SyntheticLog): RecordedEvent[] {
    const events = log.record(this.companyId, this.pending);
    this.pending = [];
    return events;
  }

  /** The engine's inputs for everything added so far. */
  oracle(): {
    totals: Map<MonthIndex, CohortTotals>;
    terms: CompanyTerms;
    assumptions: Map<Scenario, PredictionAssumptions>;
  } {
    const net = [...this.payments.values()]
      .filter((p) => !p.voided)
      .map((p) => ({
        customerId: p.customerId,
        paymentDate: p.date,
        netCents: p.cents - p.refunded,
      }));
    return {
      totals: buildCohortTotals(net),
      terms: {
        spends: [...this.spends].map(([cohortMonth, s]) => ({
          cohortMonth,
          plannedCents: s.planned,
          actualCents: s.actual,
        })),
        trades: [...this.trades].map(([cohortMonth, t]) => ({
          cohortMonth,
          sharingPercentage: new Dec(t.sharing),
          cashCapCents: t.capCents,
        })),
        thresholds: [...this.thresholds].map(([paymentPeriod, minimum]) => ({
          paymentPeriod,
          minimumPaymentPercent: new Dec(minimum),
        })),
        overrides: [...this.overrides.values()].map(({ month, period }) => ({
          cohortMonth: month,
          paymentPeriod: period,
          reason: 'test',
        })),
      },
      assumptions: new Map(this.assumptions),
    };
  }

  private company(event: CompanyEvent): this {
    this.pending.push({ streamId: companyStreamId(this.companyId), event });
    return this;
  }
  private payment(paymentId: string, event: PaymentEvent): this {
    this.pending.push({ streamId: paymentStreamId(this.companyId, paymentId), event });
    return this;
  }
}

function monthOf(text: string): MonthIndex {
  const month = parseMonth(text);
  if (month === null) throw new Error(`bad month ${text}`);
  return month;
}

/** Hands out increasing log positions (one transaction per event) like the store would. */
export class SyntheticLog {
  private readonly versions = new Map<string, number>();
  constructor(
    private transactionId = 5_000n,
    private globalPosition = 0n,
  ) {}

  record(
    companyId: string,
    events: readonly { streamId: string; event: DomainEvent }[],
  ): RecordedEvent[] {
    return events.map(({ streamId, event }) => {
      this.transactionId += 1n;
      this.globalPosition += 1n;
      const streamVersion = (this.versions.get(streamId) ?? 0) + 1;
      this.versions.set(streamId, streamVersion);
      return {
        eventId: randomUUID(),
        type: event.type,
        schemaVersion: CURRENT_SCHEMA_VERSION[event.type],
        data: event.data,
        metadata: {
          companyId,
          occurredAt: '2026-01-15T10:00:00.000Z',
          actor: 'test',
          causationId: null,
          correlationId: null,
        },
        streamId,
        streamVersion,
        globalPosition: this.globalPosition.toString(),
        transactionId: this.transactionId.toString(),
        recordedAt: '2026-01-15T10:00:01.000Z',
      };
    });
  }
}
