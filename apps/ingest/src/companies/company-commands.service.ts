import { Injectable } from '@nestjs/common';
import {
  companyDecider,
  companyStreamId,
  type CompanyCommand,
  type CompanyState,
} from '@cvf/domain';
import { StreamWriter, type WriteResult } from '../commands/stream-writer';
import { commandContext, type WriteRequest } from '../http/write-context';

/** Runs company commands against the `company-<id>` stream. */
@Injectable()
export class CompanyCommands {
  constructor(private readonly writer: StreamWriter) {}

  execute(companyId: string, command: CompanyCommand, write: WriteRequest): Promise<WriteResult> {
    return this.writer.execute(
      companyDecider,
      companyStreamId(companyId),
      command,
      commandContext(companyId, write),
      { ifMatch: write.ifMatch },
    );
  }

  load(companyId: string): Promise<{ state: CompanyState; version: number }> {
    return this.writer.load(companyDecider, companyStreamId(companyId));
  }
}
