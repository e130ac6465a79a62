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

/** What a company's amounts and dates are read in: fixed at its registration. */
export interface CompanyLocale {
  /** ISO 4217 */
  readonly currency: string;
  /** IANA */
  readonly timezone: string;
}

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
  private readonly locales = new Map<string, CompanyLocale>();

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
    this.rememberKnown(companyId);
  }

  private rememberKnown(companyId: string): void {
    if (this.knownCompanies.size >= CompanyStreams.KNOWN_COMPANIES_LIMIT) {
      this.knownCompanies.clear();
    }
    this.knownCompanies.add(companyId);
  }

  /**
   * The company's currency and time zone (404 unless registered). Both are fixed at
   * registration, so an answer is kept (bounded) instead of reading the company's stream on
   * every payment, upload or webhook.
   */
  async locale(companyId: string): Promise<CompanyLocale> {
    const kept = this.locales.get(companyId);
    if (kept !== undefined) return kept;
    const { state } = await this.load(companyId);
    if (!state.registered) throw new NotFoundError('company', { company_id: companyId });
    // Its stream was just read: requireCompany need not read it again.
    this.rememberKnown(companyId);
    const locale = { currency: state.currency, timezone: state.timezone };
    if (this.locales.size >= CompanyStreams.KNOWN_COMPANIES_LIMIT) this.locales.clear();
    this.locales.set(companyId, locale);
    return locale;
  }

  async paymentExists(companyId: string, paymentId: string): Promise<boolean> {
    const stream = paymentStreamId(companyId, paymentId);
    return (await this.store.readStream(stream, { maxCount: 1 })).length > 0;
  }
}
