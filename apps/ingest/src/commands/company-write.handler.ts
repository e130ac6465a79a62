import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { companyDecider, companyStreamId } from '@cvf/domain';
import { CompanyNames } from './company-names';
import { StreamWriter, type WriteResult } from './stream-writer';
import { CompanyWrite } from './write-commands';

/**
 * Every company command: its `company-<id>` stream, the company decider; a registration or
 * rename with its name reserved for the company (unique names: CompanyNames).
 */
@CommandHandler(CompanyWrite)
export class CompanyWriteHandler implements ICommandHandler<CompanyWrite> {
  constructor(
    private readonly writer: StreamWriter,
    private readonly names: CompanyNames,
  ) {}

  execute({ command, context, ifMatch }: CompanyWrite): Promise<WriteResult> {
    return this.names.whileClaiming(context.companyId, command, () =>
      this.writer.execute(companyDecider, companyStreamId(context.companyId), command, context, {
        ifMatch,
      }),
    );
  }
}
