import { Module } from '@nestjs/common';
import { CommandsModule } from '../commands/commands.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { PaymentUploadController } from './payment-upload.controller';
import { PaymentUploads } from './payment-uploads.service';

/** CSV uploads of payments: read and validate the file, then one PaymentImport command. */
@Module({
  imports: [CommandsModule, IdempotencyModule],
  controllers: [PaymentUploadController],
  providers: [PaymentUploads],
})
export class UploadsModule {}
