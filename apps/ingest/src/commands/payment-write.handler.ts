import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError, paymentDecider, paymentStreamId } from '@cvf/domain';
import { CompanyStreams } from './company-streams';
import { StreamWriter, type WriteResult } from './stream-writer';
import { PaymentWrite } from './write-commands';

/**
 * Every payment command, whichever transport sent it (REST, a processor webhook): the one
 * path that records, refunds, corrects or voids a payment of a registered company.
 */
@CommandHandler(PaymentWrite)
export class PaymentWriteHandler implements ICommandHandler<PaymentWrite> {
  constructor(
    private readonly writer: StreamWriter,
    private readonly streams: CompanyStreams,
  ) {}

  async execute({ command, context, ifMatch }: PaymentWrite): Promise<WriteResult> {
    const { companyId } = context;
    const paymentId = command.data.payment_id;
    await this.streams.requireCompany(companyId);
    const recording = command.type === 'RecordPayment';
    if (!recording && !(await this.streams.paymentExists(companyId, paymentId))) {
      throw new NotFoundError('payment', { payment_id: paymentId });
    }
    return this.writer.execute(
      paymentDecider,
      paymentStreamId(companyId, paymentId),
      command,
      context,
      // A new payment usually creates its stream: decided against the empty stream first.
      { ifMatch, likelyNew: recording },
    );
  }
}
