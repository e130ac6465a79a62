import {
  type CompanyEvent,
  type MonthIndex,
  type PaymentEvent,
  parseDateToMonth,
  wire,
} from '@cvf/domain';
import { comparePositions, type LogPosition } from '@cvf/event-store';
import { type ProjectedEvent } from './decode';
import {
  type AssumptionsRow,
  type CompanyRow,
  type DirtyCohorts,
  type OverrideRow,
  type PaymentPatch,
  type PaymentRow,
  type SpendChange,
  type ThresholdRow,
  type TradeRow,
} from './row-changes';

/**
 * A batch of events folded into the row changes it makes: at most one change per row, so
 * that each table takes one set-based statement whatever the batch size. Pure: the SQL side
 * (read-model-projection.ts) only ships these arrays to PostgreSQL.
 */

export interface BatchPlan {
  readonly applied: number;
  readonly skipped: number;
  readonly companies: ReadonlyMap<string, CompanyRow>;
  readonly trades: ReadonlyMap<string, TradeRow>;
  readonly spends: ReadonlyMap<string, SpendChange>;
  readonly thresholds: ReadonlyMap<string, ThresholdRow>;
  readonly overrides: ReadonlyMap<string, OverrideRow>;
  readonly assumptions: ReadonlyMap<string, AssumptionsRow>;
  /** Payments first recorded in this batch, with the rest of the batch folded in. */
  readonly paymentInserts: readonly PaymentRow[];
  readonly paymentPatches: readonly PaymentPatch[];
  /** Cohorts made dirty by terms; payment changes add theirs once cohorts are known. */
  readonly termsDirty: ReadonlyMap<string, DirtyCohorts>;
  /** Per company, the last event applied in this batch. */
  readonly companyPositions: ReadonlyMap<string, LogPosition>;
}

// Row identities for de-duplicating within a batch; NUL cannot occur in ids or months.
const key = (a: string, b: string | number, c?: number): string =>
  c === undefined ? `${a}\u0000${b}` : `${a}\u0000${b}\u0000${c}`;

/**
 * Folds `events` (each company's in log order) into row changes, skipping every event at or
 * before its company's last applied position: a re-delivered event is a no-op
 * (at-least-once delivery).
 */
export function planBatch(
  events: readonly ProjectedEvent[],
  lastApplied: ReadonlyMap<string, LogPosition>,
): BatchPlan {
  const plan = new PlanBuilder();
  // A company's events arrive in log order (the sources guarantee it), so once one passes
  // the stored position the rest of the batch does too: no comparison after that.
  const toPass = new Map(lastApplied);
  const companyPositions = new Map<string, LogPosition>();
  let skipped = 0;
  for (const projected of events) {
    const last = toPass.get(projected.companyId);
    if (last) {
      if (comparePositions(projected.position, last) <= 0) {
        skipped++;
        continue;
      }
      toPass.delete(projected.companyId);
    }
    companyPositions.set(projected.companyId, projected.position);
    try {
      if (projected.stream === 'company') plan.company(projected.companyId, projected);
      else plan.payment(projected.companyId, projected.paymentId, projected.event, projected);
    } catch (error) {
      // Whoever has to repair the log needs to know which event stopped the projection.
      const { transactionId, globalPosition } = projected.position;
      throw new Error(
        `cannot project ${projected.event.type} of company ${projected.companyId} at ` +
          `${transactionId}:${globalPosition}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
  return {
    applied: events.length - skipped,
    skipped,
    companies: plan.companies,
    trades: plan.trades,
    spends: plan.spends,
    thresholds: plan.thresholds,
    overrides: plan.overrides,
    assumptions: plan.assumptions,
    paymentInserts: plan.paymentInserts,
    paymentPatches: plan.paymentPatches,
    termsDirty: plan.termsDirty,
    companyPositions,
  };
}

class PlanBuilder {
  readonly companies = new Map<string, CompanyRow>();
  readonly trades = new Map<string, TradeRow>();
  readonly spends = new Map<string, SpendChange>();
  readonly thresholds = new Map<string, ThresholdRow>();
  readonly overrides = new Map<string, OverrideRow>();
  readonly assumptions = new Map<string, AssumptionsRow>();
  readonly paymentInserts: PaymentRow[] = [];
  readonly paymentPatches: PaymentPatch[] = [];
  // Per company, then per payment id: the ids are strings pg already parsed, so lookups
  // hash them once, where a composite key would be built and hashed for every event.
  private readonly payments = new Map<
    string,
    { readonly inserts: Map<string, PaymentRow>; readonly patches: Map<string, PaymentPatch> }
  >();
  readonly termsDirty = new Map<string, DirtyCohorts>();

  company(
    companyId: string,
    { event, recordedAt }: { event: CompanyEvent; recordedAt: string },
  ): void {
    switch (event.type) {
      case 'CompanyRegistered':
        this.companies.set(companyId, {
          companyId,
          name: event.data.name,
          registeredAt: recordedAt,
          currency: event.data.currency,
          timezone: event.data.timezone,
        });
        return;
      case 'CompanyRenamed': {
        const known = this.companies.get(companyId);
        if (known) known.name = event.data.name;
        else
          this.companies.set(companyId, {
            companyId,
            name: event.data.name,
            registeredAt: null,
            currency: null,
            timezone: null,
          });
        return;
      }
      case 'TradeCreated':
      case 'TradeAmended': {
        const cohortMonth = wire.storedMonth(event.data.cohort_month);
        wire.storedRatio(event.data.sharing_percentage);
        this.trades.set(key(companyId, cohortMonth), {
          companyId,
          cohortMonth,
          sharingPercentage: event.data.sharing_percentage,
          cashCapCents: wire.storedCents(event.data.cash_cap),
        });
        this.markDirty(companyId, cohortMonth);
        return;
      }
      case 'SpendPlanned':
      case 'SpendActualReported': {
        const cohortMonth = wire.storedMonth(event.data.cohort_month);
        const rowKey = key(companyId, cohortMonth);
        const spend = this.spends.get(rowKey) ?? {
          companyId,
          cohortMonth,
          plannedCents: null,
          actualCents: null,
        };
        if (event.type === 'SpendPlanned') {
          spend.plannedCents = wire.storedCents(event.data.planned_spend);
        } else {
          spend.actualCents = wire.storedCents(event.data.actual_spend);
        }
        this.spends.set(rowKey, spend);
        this.markDirty(companyId, cohortMonth);
        return;
      }
      case 'ThresholdSet':
      case 'ThresholdRemoved': {
        const paymentPeriod = event.data.payment_period_month;
        const minimum = event.type === 'ThresholdSet' ? event.data.minimum_payment_percent : null;
        if (minimum !== null) wire.storedRatio(minimum);
        this.thresholds.set(key(companyId, paymentPeriod), {
          companyId,
          paymentPeriod,
          minimumPaymentPercent: minimum,
        });
        this.markDirty(companyId, 'all');
        return;
      }
      case 'ThresholdOverridden':
      case 'ThresholdOverrideRevoked': {
        const cohortMonth = wire.storedMonth(event.data.cohort_month);
        const paymentPeriod = event.data.payment_period_month;
        this.overrides.set(key(companyId, cohortMonth, paymentPeriod), {
          companyId,
          cohortMonth,
          paymentPeriod,
          reason: event.type === 'ThresholdOverridden' ? event.data.reason : null,
        });
        this.markDirty(companyId, cohortMonth);
        return;
      }
      case 'PredictionAssumptionsSet': {
        const { scenario, m0, churn } = event.data;
        wire.storedRatio(m0);
        wire.storedRatio(churn);
        this.assumptions.set(key(companyId, scenario), { companyId, scenario, m0, churn });
        this.markDirty(companyId, 'all');
        return;
      }
      case 'WebhookSecretAdded':
      case 'WebhookSecretRevoked':
        // Secrets are not read-model data; the event still advances the company's position.
        return;
    }
  }

  payment(
    companyId: string,
    paymentId: string,
    event: PaymentEvent,
    { recordedAt }: { recordedAt: string },
  ): void {
    let ofCompany = this.payments.get(companyId);
    if (!ofCompany) {
      ofCompany = { inserts: new Map(), patches: new Map() };
      this.payments.set(companyId, ofCompany);
    }
    const inserted = ofCompany.inserts.get(paymentId);
    if (event.type === 'PaymentRecorded') {
      if (inserted || ofCompany.patches.has(paymentId)) throw recordedTwice(companyId, paymentId);
      const { customer_id, payment_date, amount, source } = event.data;
      const row: PaymentRow = {
        companyId,
        paymentId,
        customerId: customer_id,
        paymentDate: payment_date,
        paymentMonth: storedDateMonth(payment_date),
        amountCents: wire.storedCents(amount),
        refundedCents: 0,
        disputedCents: 0,
        voided: false,
        source,
        recordedAt,
      };
      ofCompany.inserts.set(paymentId, row);
      this.paymentInserts.push(row);
      return;
    }
    let patch: PaymentPatch | undefined;
    if (!inserted) {
      patch = ofCompany.patches.get(paymentId);
      if (!patch) {
        patch = {
          companyId,
          paymentId,
          refundCents: 0,
          disputeCents: 0,
          correction: null,
          voided: false,
        };
        ofCompany.patches.set(paymentId, patch);
        this.paymentPatches.push(patch);
      }
    }
    const addRefund = (cents: number) => {
      if (inserted) inserted.refundedCents += cents;
      else if (patch) patch.refundCents += cents;
    };
    const addDispute = (cents: number) => {
      if (inserted) inserted.disputedCents += cents;
      else if (patch) patch.disputeCents += cents;
    };
    switch (event.type) {
      case 'PaymentRefunded': {
        const { amount, covered } = event.data;
        addRefund(
          wire.storedCents(amount) - (covered === undefined ? 0 : wire.storedCents(covered)),
        );
        return;
      }
      case 'PaymentRefundReversed':
        addRefund(-wire.storedCents(event.data.amount));
        return;
      case 'PaymentDisputed':
        addDispute(wire.storedCents(event.data.amount));
        return;
      case 'PaymentDisputeReinstated':
        addDispute(-wire.storedCents(event.data.amount));
        return;
      case 'PaymentCorrected': {
        const correction = {
          customerId: event.data.customer_id,
          paymentDate: event.data.payment_date,
          paymentMonth: storedDateMonth(event.data.payment_date),
          amountCents: wire.storedCents(event.data.amount),
        };
        if (inserted) Object.assign(inserted, correction);
        else if (patch) patch.correction = correction;
        return;
      }
      case 'PaymentVoided':
        if (inserted) inserted.voided = true;
        else if (patch) patch.voided = true;
        return;
      default:
        throw new Error(`unknown payment event ${(event satisfies never as PaymentEvent).type}`);
    }
  }

  private markDirty(companyId: string, cohort: MonthIndex | 'all'): void {
    const dirty = this.termsDirty.get(companyId);
    if (dirty === 'all') return;
    if (cohort === 'all') this.termsDirty.set(companyId, 'all');
    else if (dirty) dirty.add(cohort);
    else this.termsDirty.set(companyId, new Set([cohort]));
  }
}

function storedDateMonth(date: string): MonthIndex {
  const month = parseDateToMonth(date);
  if (month === null) throw new Error(`log corrupt: stored payment date '${date}' is not a date`);
  return month;
}

function recordedTwice(companyId: string, paymentId: string): Error {
  return new Error(`log corrupt: payment ${paymentId} of company ${companyId} recorded twice`);
}
