import { Inject, Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { APP_CONFIG, type AppConfig } from '@cvf/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CompanyStreams } from '../commands/company-streams';
import { PaymentImport, type PaymentImportResult } from '../commands/write-commands';
import { fingerprintOf, IdempotentRequests } from '../idempotency/idempotent-requests';
import { commandContext, type WriteRequest } from '../http/write-context';
import { filePart, readPaymentsFile } from './read-payments-file';

export interface UploadResult extends PaymentImportResult {
  readonly correlation_id: string;
}

/**
 * `POST /companies/{id}/payments/upload`, the transport: the whole file is read and
 * validated before anything is written, then it is one `PaymentImport` on the CommandBus
 * (all rows in one transaction, or none). The transaction opens only once the upload has
 * arrived: a slow client never holds the log's readers back.
 */
@Injectable()
export class PaymentUploads {
  constructor(
    private readonly commands: CommandBus,
    private readonly companies: CompanyStreams,
    private readonly idempotent: IdempotentRequests,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async upload(
    companyId: string,
    request: FastifyRequest,
    reply: FastifyReply,
    write: WriteRequest,
  ): Promise<UploadResult> {
    // An unknown company is answered before a large file is read.
    const { currency } = await this.companies.locale(companyId);
    const part = await filePart(request, this.config.uploadLimitBytes);
    const file = await readPaymentsFile(part, this.config.uploadLimitBytes, currency);
    // With an Idempotency-Key: the same key with another file is 422 and records nothing; the
    // same file again answers the first upload's response.
    const fingerprint = fingerprintOf('file', file.sha256);
    return this.idempotent.run(request, reply, fingerprint, async () => {
      const imported = await this.commands.execute(
        new PaymentImport(file, commandContext(companyId, write)),
      );
      return { ...imported, correlation_id: write.correlationId };
    }) as Promise<UploadResult>;
  }
}
