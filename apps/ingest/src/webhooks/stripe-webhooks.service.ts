import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ValidationError } from '@cvf/domain';
import {
  APP_CONFIG,
  InvalidSignatureError,
  PaymentNotRecordedYetError,
  type AppConfig,
  type CommandContext,
} from '@cvf/platform';
import { CompanyStreams } from '../commands/company-streams';
import { type WriteResult } from '../commands/stream-writer';
import { PaymentWrite } from '../commands/write-commands';
import {
  interpretStripeEvent,
  readStripeEvent,
  type StripeEvent,
  type StripeIntent,
  type StripeRefund,
} from './stripe-events';
import { verifyStripeSignature } from './stripe-signature';
import { WebhookDeliveries, WebhookSecrets } from './webhook-tables';

export type WebhookOutcome = 'recorded' | 'already_recorded' | 'ignored' | 'duplicate';

export interface WebhookReceipt {
  readonly received: true;
  readonly event_id: string;
  readonly event_type: string;
  readonly outcome: WebhookOutcome;
  readonly detail?: string;
  readonly events_appended: number;
  /** Log position of the last event written; null when nothing was. */
  readonly position: string | null;
}

/** Who every webhook event is recorded as (EventMetadata.actor). */
const ACTOR = 'webhook:stripe';

/**
 * `POST /webhooks/{company}/stripe`. Order matters: the company (404), then the signature
 * over the raw body (400: nothing from an unverified body is read, let alone recorded), then
 * replays (200, nothing new), then the event. A delivery is remembered only once it has been
 * handled, so a failure (409 for a refund before its charge, which Stripe retries for days)
 * leaves it to be handled on the retry.
 */
@Injectable()
export class StripeWebhooks {
  constructor(
    private readonly commands: CommandBus,
    private readonly companies: CompanyStreams,
    private readonly secrets: WebhookSecrets,
    private readonly deliveries: WebhookDeliveries,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async receive(
    companyId: string,
    signature: string | undefined,
    rawBody: Buffer | undefined,
  ): Promise<WebhookReceipt> {
    await this.companies.requireCompany(companyId);
    const secrets = await this.secrets.active(companyId);
    if (secrets.length === 0) {
      throw invalidSignature(
        `company ${companyId} has no active webhook signing secret (POST /companies/${companyId}/webhook-secrets)`,
      );
    }
    const verdict = verifyStripeSignature({
      header: signature,
      rawBody: rawBody ?? Buffer.alloc(0),
      secrets,
      nowSeconds: Math.floor(Date.now() / 1000),
      toleranceSeconds: this.config.webhookToleranceSeconds,
    });
    if (!verdict.ok) throw invalidSignature(verdict.reason);

    const event = readStripeEvent(parseJson(rawBody));
    const delivery = { companyId, provider: 'stripe', eventId: event.id };
    const earlier = await this.deliveries.outcomeOf(delivery);
    if (earlier !== null) {
      return receipt(event, 'duplicate', null, `handled before: ${earlier}`);
    }
    const handled = await this.apply(companyId, event, interpretStripeEvent(event));
    const detail =
      handled.detail === undefined ? handled.outcome : `${handled.outcome}: ${handled.detail}`;
    await this.deliveries.record(delivery, event.type, detail);
    return handled;
  }

  private async apply(
    companyId: string,
    event: StripeEvent,
    intent: StripeIntent,
  ): Promise<WebhookReceipt> {
    const context = (occurredAt: string): CommandContext => ({
      companyId,
      actor: ACTOR,
      occurredAt,
      correlationId: event.id,
      causationId: null,
    });
    switch (intent.kind) {
      case 'ignore':
        return receipt(event, 'ignored', null, intent.reason);
      case 'record': {
        const { payment } = intent;
        const result = await this.commands.execute(
          new PaymentWrite(
            { type: 'RecordPayment', data: { ...payment, source: 'stripe', source_ref: event.id } },
            context(intent.occurredAt),
          ),
        );
        return receipt(event, outcomeOf([result]), [result]);
      }
      case 'refund': {
        await this.requirePaymentsRecorded(companyId, intent.refunds);
        const results: WriteResult[] = [];
        for (const refund of intent.refunds) {
          results.push(
            await this.commands.execute(
              new PaymentWrite(
                { type: 'RefundPayment', data: { ...refund } },
                context(intent.occurredAt),
              ),
            ),
          );
        }
        return receipt(event, outcomeOf(results), results);
      }
    }
  }

  /**
   * Stripe does not promise order: a refund can arrive before its charge. Answering 409 (and
   * recording nothing) makes Stripe retry it with backoff for days, by which time the charge
   * is recorded; a 404 or 422 would say the same, but 409 says "the state is not there yet".
   */
  private async requirePaymentsRecorded(
    companyId: string,
    refunds: readonly StripeRefund[],
  ): Promise<void> {
    for (const refund of refunds) {
      if (await this.companies.paymentExists(companyId, refund.payment_id)) continue;
      throw new PaymentNotRecordedYetError(
        `refund ${refund.refund_id} is for payment ${refund.payment_id}, which is not recorded ` +
          'yet (its charge event has not arrived); nothing was recorded, retry later',
        { payment_id: refund.payment_id },
      );
    }
  }
}

function outcomeOf(results: readonly WriteResult[]): WebhookOutcome {
  return results.some((r) => r.events_appended > 0) ? 'recorded' : 'already_recorded';
}

function receipt(
  event: StripeEvent,
  outcome: WebhookOutcome,
  results: readonly WriteResult[] | null,
  detail?: string,
): WebhookReceipt {
  const written = (results ?? []).filter((r) => r.events_appended > 0);
  return {
    received: true,
    event_id: event.id,
    event_type: event.type,
    outcome,
    ...(detail === undefined ? {} : { detail }),
    events_appended: written.reduce((sum, r) => sum + r.events_appended, 0),
    position: written.at(-1)?.position ?? null,
  };
}

function invalidSignature(reason: string): InvalidSignatureError {
  return new InvalidSignatureError(reason);
}

function parseJson(rawBody: Buffer | undefined): unknown {
  try {
    return JSON.parse((rawBody ?? Buffer.alloc(0)).toString('utf8')) as unknown;
  } catch {
    throw ValidationError.of('body', 'must be JSON');
  }
}
