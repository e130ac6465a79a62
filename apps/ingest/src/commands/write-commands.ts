import { Command } from '@nestjs/cqrs';
import { type CompanyCommand, type PaymentCommand } from '@cvf/domain';
import { type CommandContext } from '@cvf/platform';
import { type PaymentsFile } from '../uploads/read-payments-file';
import { type WriteResult } from './stream-writer';

/**
 * The writes of the ingest service, as commands on the @nestjs/cqrs CommandBus. Transports
 * (REST controllers, the CSV upload, processor webhooks) only translate what they received
 * into one of these; each is handled by exactly one handler (checked at startup against
 * WRITE_COMMANDS), which loads the stream, calls the pure decider and appends.
 */

/** A domain command on the `company-<id>` stream. */
export class CompanyWrite extends Command<WriteResult> {
  constructor(
    readonly command: CompanyCommand,
    readonly context: CommandContext,
    /** The stream version the caller read (If-Match): it must still hold. */
    readonly ifMatch?: number,
  ) {
    super();
  }
}

/** A domain command on one `payment-<company>-<payment>` stream of a registered company. */
export class PaymentWrite extends Command<WriteResult> {
  constructor(
    readonly command: PaymentCommand,
    readonly context: CommandContext,
    readonly ifMatch?: number,
  ) {
    super();
  }
}

/** What a bulk import of payments recorded. */
export interface PaymentImportResult {
  readonly rows: number;
  readonly recorded: number;
  readonly already_recorded: number;
  /** Encoded log position of the last event recorded; null when nothing was. */
  readonly position: string | null;
}

/**
 * Every row of a validated payments file recorded as a new payment stream, all in one
 * transaction or none (a bulk RecordPayment: same decider, same "same facts" rule).
 */
export class PaymentImport extends Command<PaymentImportResult> {
  constructor(
    readonly file: PaymentsFile,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** The closed set of write commands: startup fails if one has no handler or two. */
export const WRITE_COMMANDS = [CompanyWrite, PaymentWrite, PaymentImport] as const;
