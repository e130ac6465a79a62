import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ConflictError,
  currencyExponent,
  formatCents,
  NotFoundError,
  RuleViolationError,
  type PaymentCommand,
  ValidationError,
} from '@cvf/domain';
import {
  APP_CONFIG,
  InvalidSignatureError,
  PaymentNotRecordedYetError,
  type AppConfig,
  type CommandContext,
} from '@cvf/platform';
import { type CompanyLocale, CompanyStreams } from '../commands/company-streams';
import { type WriteResult } from '../commands/stream-writer';
import { PaymentWrite } from '../commands/write-commands';
import { DELIVERY_ALERTS, type DeliveryAlerts } from './delivery-alerts';
import {
  type Interpretation,
  type PaymentAction,
  PAYMENT_PROCESSORS,
  type PaymentProcessor,
  type ProcessorEvent,
} from './payment-processor';
import {
  type Delivery,
  type DeliveryOutcome,
  PaymentIdEpoch,
  WebhookDeliveries,
  WebhookSecrets,
} from './webhook-tables';

export interface WebhookReceipt {
  readonly received: true;
  readonly event_id: string;
  readonly event_type: string;
  readonly outcome: DeliveryOutcome;
  readonly reason: string | null;
  readonly payment_id: string | null;
  readonly events_appended: number;
  /** Log position of the last event written; null when nothing was. */
  readonly position: string | null;
}

interface Handled {
  readonly outcome: DeliveryOutcome;
  readonly reason: string | null;
  readonly paymentId: string | null;
  readonly results: readonly WriteResult[];
}

/**
 * Every processor's webhooks, through its PaymentProcessor. Order matters: the company
 * (404), then the signature over the raw body (400, nothing stored: an unsigned body is not
 * the processor's), then the delivery log (a delivery handled before is a duplicate, answered
 * 200 with nothing re-applied), then the event. What cannot be recorded as it stands (another
 * currency, a refund above the payment, a payload without its fields) is answered 200 with
 * the reason, kept, and alerted on: the processor retrying it for days would not change it.
 * Only an event that needs an earlier one (a refund, a chargeback before its charge) is
 * answered 409, so the processor retries it; it is logged as deferred meanwhile.
 */
@Injectable()
export class WebhookIntake {
  private readonly logger = new Logger(WebhookIntake.name);
  private readonly processors: ReadonlyMap<string, PaymentProcessor>;

  constructor(
    private readonly commands: CommandBus,
    private readonly companies: CompanyStreams,
    private readonly secrets: WebhookSecrets,
    private readonly deliveries: WebhookDeliveries,
    private readonly epoch: PaymentIdEpoch,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PAYMENT_PROCESSORS) processors: readonly PaymentProcessor[],
    @Optional() @Inject(DELIVERY_ALERTS) private readonly alerts: DeliveryAlerts | null,
  ) {
    this.processors = new Map(processors.map((p) => [p.name, p]));
  }

  /** The processor called `name`. @throws NotFoundError for one we do not take. */
  processor(name: string): PaymentProcessor {
    const processor = this.processors.get(name);
    if (processor === undefined) throw new NotFoundError('payment processor', { provider: name });
    return processor;
  }

  async receive(
    provider: string,
    companyId: string,
    signature: string | undefined,
    rawBody: Buffer | undefined,
  ): Promise<WebhookReceipt> {
    const processor = this.processor(provider);
    const locale = await this.companies.locale(companyId);
    const secrets = await this.secrets.active(companyId);
    if (secrets.length === 0) {
      throw new InvalidSignatureError(
        `company ${companyId} has no active webhook signing secret (POST /companies/${companyId}/webhook-secrets)`,
      );
    }
    const body = rawBody ?? Buffer.alloc(0);
    const verdict = processor.verify({
      signature,
      rawBody: body,
      secrets,
      nowSeconds: Math.floor(Date.now() / 1000),
      toleranceSeconds: this.config.webhookToleranceSeconds,
    });
    if (!verdict.ok) throw new InvalidSignatureError(verdict.reason);

    const event = processor.parse(body);
    const delivery: Delivery = { companyId, provider, eventId: event.id };
    const earlier = await this.deliveries.find(delivery);
    if (earlier !== null && earlier.outcome !== 'deferred') {
      await this.deliveries.arrivedAgain(delivery);
      return {
        received: true,
        event_id: event.id,
        event_type: event.type,
        outcome: 'duplicate',
        reason: `delivered before: ${earlier.outcome}${earlier.reason ? ` (${earlier.reason})` : ''}`,
        payment_id: earlier.payment_id,
        events_appended: 0,
        position: null,
      };
    }
    const meaning = processor.interpret(event, locale);
    return this.handleAndLog(delivery, event, body.toString('utf8'), meaning, locale, true);
  }

  /**
   * Money made after payment ids were taken from refs[0] (PaymentIdEpoch) was never recorded
   * under another id. A charge is dated by itself; an intent or an invoice by its own time,
   * so a day's margin for a charge made before it was paid.
   */
  private async isNewMoney(action: PaymentAction & { kind: 'record' }): Promise<boolean> {
    const since = await this.epoch.since();
    return Date.parse(action.occurredAt) >= since + (action.provisional ? DAY_MS : 0);
  }

  /**
   * A logged delivery handled again from its stored body (after a fix, or a currency
   * change); its signature was verified when it arrived. @throws NotFoundError when unknown.
   */
  async replay(provider: string, companyId: string, eventId: string): Promise<WebhookReceipt> {
    const processor = this.processor(provider);
    const locale = await this.companies.locale(companyId);
    const delivery: Delivery = { companyId, provider, eventId };
    const body = await this.deliveries.bodyOf(delivery);
    if (body === null) {
      throw new NotFoundError('webhook delivery', { provider, event_id: eventId });
    }
    const event = processor.parse(Buffer.from(body, 'utf8'));
    const meaning = processor.interpret(event, locale);
    return this.handleAndLog(delivery, event, body, meaning, locale, false);
  }

  private async handleAndLog(
    delivery: Delivery,
    event: ProcessorEvent,
    body: string,
    meaning: Interpretation,
    locale: CompanyLocale,
    arrival: boolean,
  ): Promise<WebhookReceipt> {
    const log = (outcome: DeliveryOutcome, reason: string | null, paymentId: string | null) =>
      this.deliveries.record(delivery, {
        eventType: event.type,
        body,
        outcome,
        reason,
        paymentId,
        arrival,
      });
    let handled: Handled;
    try {
      handled = await this.handle(delivery, event, meaning, locale.currency);
    } catch (error) {
      if (error instanceof PaymentNotRecordedYetError) {
        const paymentId = (error.details.payment_id as string | undefined) ?? null;
        await log('deferred', error.message, paymentId);
      }
      throw error;
    }
    await log(handled.outcome, handled.reason, handled.paymentId);
    if (handled.outcome === 'rejected') await this.alert(delivery, event, handled);
    const written = handled.results.filter((r) => r.events_appended > 0);
    return {
      received: true,
      event_id: event.id,
      event_type: event.type,
      outcome: handled.outcome,
      reason: handled.reason,
      payment_id: handled.paymentId,
      events_appended: written.reduce((sum, r) => sum + r.events_appended, 0),
      position: written.at(-1)?.position ?? null,
    };
  }

  private async handle(
    { companyId, provider }: Delivery,
    event: ProcessorEvent,
    meaning: Interpretation,
    currency: string,
  ): Promise<Handled> {
    if (meaning.kind === 'ignore') {
      return { outcome: 'ignored', reason: meaning.reason, paymentId: null, results: [] };
    }
    if (meaning.kind === 'reject') {
      return { outcome: 'rejected', reason: meaning.reason, paymentId: null, results: [] };
    }
    const results: WriteResult[] = [];
    let paymentId: string | null = null;
    for (const action of meaning.actions) {
      paymentId = await this.paymentFor(companyId, action);
      try {
        results.push(await this.apply(provider, companyId, event, paymentId, action, currency));
      } catch (error) {
        const refused = refusal(error);
        if (refused === null) throw error;
        return { outcome: 'rejected', reason: refused, paymentId, results };
      }
    }
    const appended = results.some((r) => r.events_appended > 0);
    return {
      outcome: appended ? 'recorded' : 'duplicate',
      reason: appended ? null : 'already recorded (by this or another event for the same money)',
      paymentId,
      results,
    };
  }

  /**
   * The payment an action is about: recorded under refs[0], the id every event of the money
   * names (Stripe: the PaymentIntent, else the charge), so two events of the same money agree
   * without asking anyone. A payment recorded before that rule (PaymentIdEpoch) is under
   * another of its refs (the charge's): found by its stream. Anything but a recording needs
   * the payment recorded, else 409 so the processor retries once the charge has come.
   */
  private async paymentFor(companyId: string, action: PaymentAction): Promise<string> {
    const first = action.refs[0];
    if (first === undefined) throw new Error('a payment action without refs');
    if (action.kind === 'record' && (await this.isNewMoney(action))) return first;
    const exists = await Promise.all(
      action.refs.map((ref) => this.companies.paymentExists(companyId, ref)),
    );
    const recorded = action.refs.find((_, i) => exists[i]);
    if (recorded !== undefined) return recorded;
    if (action.kind === 'record') return first;
    throw new PaymentNotRecordedYetError(
      `this ${action.kind.replace('_', ' ')} is for ${first}, whose payment is not recorded yet ` +
        '(its charge event has not arrived); nothing was recorded, retry later',
      { payment_id: first },
    );
  }

  private async apply(
    provider: string,
    companyId: string,
    event: ProcessorEvent,
    paymentId: string,
    action: PaymentAction,
    currency: string,
  ): Promise<WriteResult> {
    const context: CommandContext = {
      companyId,
      actor: `webhook:${provider}`,
      occurredAt: action.occurredAt,
      correlationId: event.id,
      causationId: null,
    };
    const command = commandFor(paymentId, action, currency);
    try {
      return await this.commands.execute(new PaymentWrite(command, context));
    } catch (error) {
      // A reinstatement before its withdrawal: the withdrawal's event is still to come.
      if (error instanceof NotFoundError && command.type === 'ReinstateDispute') {
        throw new PaymentNotRecordedYetError(
          `chargeback ${command.data.dispute_id} was reinstated before its withdrawal arrived; ` +
            'nothing was recorded, retry later',
          { payment_id: paymentId },
        );
      }
      throw error;
    }
  }

  private async alert(delivery: Delivery, event: ProcessorEvent, handled: Handled): Promise<void> {
    this.logger.warn(
      `webhook ${delivery.provider} ${event.id} (${event.type}) of ${delivery.companyId} rejected: ${handled.reason ?? ''}`,
    );
    if (this.alerts === null) return;
    try {
      await this.alerts.rejected({
        companyId: delivery.companyId,
        provider: delivery.provider,
        eventId: event.id,
        eventType: event.type,
        reason: handled.reason ?? '',
        paymentId: handled.paymentId,
      });
    } catch (error) {
      // The delivery is logged either way; the alert is a notification, not the record.
      this.logger.error(`could not publish the rejected-delivery alert: ${String(error)}`);
    }
  }
}

const DAY_MS = 86_400_000;

/**
 * The command an action stands for. A processor's amounts are minor units of the company's
 * currency (Stripe's amounts are: yen for JPY, fils for KWD), written with its decimals.
 */
function commandFor(paymentId: string, action: PaymentAction, currency: string): PaymentCommand {
  const exponent = currencyExponent(currency);
  const amountOf = (minor: number): string => formatCents(minor, exponent);
  switch (action.kind) {
    case 'record':
      return {
        type: 'RecordPayment',
        data: {
          payment_id: paymentId,
          customer_id: action.customerId,
          payment_date: action.paymentDate,
          amount: amountOf(action.amountMinor),
          currency,
          source: 'stripe',
          source_ref: action.sourceRef,
          ...(action.provisional ? { provisional: true } : {}),
        },
      };
    case 'refund':
      return {
        type: 'RefundPayment',
        data: {
          payment_id: paymentId,
          refund_id: action.refundId,
          amount: amountOf(action.amountMinor),
        },
      };
    case 'refunded_total':
      return {
        type: 'ReportRefundedTotal',
        data: { payment_id: paymentId, refunded_total: amountOf(action.totalMinor) },
      };
    case 'reverse_refund':
      return {
        type: 'ReverseRefund',
        data: {
          payment_id: paymentId,
          refund_id: action.refundId,
          amount: amountOf(action.amountMinor),
          reason: `refund ${action.reason}`,
        },
      };
    case 'dispute':
      return {
        type: 'DisputePayment',
        data: {
          payment_id: paymentId,
          dispute_id: action.disputeId,
          amount: amountOf(action.amountMinor),
        },
      };
    case 'reinstate':
      return {
        type: 'ReinstateDispute',
        data: {
          payment_id: paymentId,
          dispute_id: action.disputeId,
          amount: amountOf(action.amountMinor),
        },
      };
  }
}

/** The reason a command was refused on its facts (kept as a rejected delivery), or null. */
function refusal(error: unknown): string | null {
  if (error instanceof ValidationError) {
    return error.issues.map((issue) => `${issue.field}: ${issue.reason}`).join('; ');
  }
  if (error instanceof RuleViolationError || error instanceof ConflictError) return error.message;
  return null;
}
