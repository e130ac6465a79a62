import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { companyDecider, companyStreamId } from '@cvf/domain';
import { StreamWriter, type WriteResult } from './stream-writer';
import { CompanyWrite } from './write-commands';

/** Every company command: its `company-<id>` stream, the company decider. */
@CommandHandler(CompanyWrite)
export class CompanyWriteHandler implements ICommandHandler<CompanyWrite> {
  constructor(private readonly writer: StreamWriter) {}

  execute({ command, context, ifMatch }: CompanyWrite): Promise<WriteResult> {
    return this.writer.execute(
      companyDecider,
      companyStreamId(context.companyId),
      command,
      context,
      { ifMatch },
    );
  }
}
