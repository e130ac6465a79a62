import { Inject, Injectable } from '@nestjs/common';
import {
  companyStreamId,
  derivePaymentId,
  NotFoundError,
  parsePaymentFields,
  paymentDecider,
  paymentStreamId,
  type PaymentCommand,
} from '@cvf/domain';
import { EVENT_STORE, type EventStore } from '@cvf/event-store';
import { createHash } from 'node:crypto';
import { StreamWriter, type WriteResult } from '../commands/stream-writer';
import { commandContext, type WriteRequest } from '../http/write-context';

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Runs payment commands against `payment-<company>-<payment>` streams of a registered company. */
@Injectable()
export class PaymentCommands {
  /**
   * Companies seen registered. A company is never unregistered (no event removes one), so a
   * positive answer stays true and saves a log read on every payment and webhook; a negative
   * one is always asked again. Bounded: cleared when it grows past the limit.
   */
  private readonly knownCompanies = new Set<string>();
  private static readonly KNOWN_COMPANIES_LIMIT = 100_000;

  constructor(
    private readonly writer: StreamWriter,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async execute(
    companyId: string,
    command: PaymentCommand,
    write: WriteRequest,
  ): Promise<WriteResult> {
    await this.requireCompany(companyId);
    if (command.type !== 'RecordPayment')
      await this.requirePayment(companyId, command.data.payment_id);
    return this.writer.execute(
      paymentDecider,
      paymentStreamId(companyId, command.data.payment_id),
      command,
      commandContext(companyId, write),
      { ifMatch: write.ifMatch, likelyNew: command.type === 'RecordPayment' },
    );
  }

  /** The id of a payment sent without one (ARCHITECTURE.md: deterministic, first occurrence). */
  derivedPaymentId(facts: { customer_id: string; payment_date: string; amount: string }): string {
    const parsed = parsePaymentFields(facts);
    return derivePaymentId(parsed.customer_id, parsed.payment_date, parsed.amount, 1, sha256Hex);
  }

  async requireCompany(companyId: string): Promise<void> {
    if (this.knownCompanies.has(companyId)) return;
    const first = await this.store.readStream(companyStreamId(companyId), { maxCount: 1 });
    if (first.length === 0) throw new NotFoundError('company', { company_id: companyId });
    if (this.knownCompanies.size >= PaymentCommands.KNOWN_COMPANIES_LIMIT) {
      this.knownCompanies.clear();
    }
    this.knownCompanies.add(companyId);
  }

  private async requirePayment(companyId: string, paymentId: string): Promise<void> {
    const first = await this.store.readStream(paymentStreamId(companyId, paymentId), {
      maxCount: 1,
    });
    if (first.length === 0) throw new NotFoundError('payment', { payment_id: paymentId });
  }
}
