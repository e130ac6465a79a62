import { Inject, Injectable } from '@nestjs/common';
import {
  companyDecider,
  companyStreamId,
  NotFoundError,
  paymentStreamId,
  type CompanyState,
} from '@cvf/domain';
import { EVENT_STORE, type EventStore } from '@cvf/event-store';
import { StreamWriter } from './stream-writer';

/**
 * What the write side reads of its own streams outside a command: a company's state and
 * version (GET terms, for If-Match), and whether a company or payment exists.
 */
@Injectable()
export class CompanyStreams {
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

  load(companyId: string): Promise<{ state: CompanyState; version: number }> {
    return this.writer.load(companyDecider, companyStreamId(companyId));
  }

  /** 404 (NotFoundError) unless the company is registered. */
  async requireCompany(companyId: string): Promise<void> {
    if (this.knownCompanies.has(companyId)) return;
    const first = await this.store.readStream(companyStreamId(companyId), { maxCount: 1 });
    if (first.length === 0) throw new NotFoundError('company', { company_id: companyId });
    if (this.knownCompanies.size >= CompanyStreams.KNOWN_COMPANIES_LIMIT) {
      this.knownCompanies.clear();
    }
    this.knownCompanies.add(companyId);
  }

  async paymentExists(companyId: string, paymentId: string): Promise<boolean> {
    const stream = paymentStreamId(companyId, paymentId);
    return (await this.store.readStream(stream, { maxCount: 1 })).length > 0;
  }
}
