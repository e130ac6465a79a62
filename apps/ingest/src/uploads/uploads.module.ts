import { forwardRef, Module } from '@nestjs/common';
import { IngestModule } from '../ingest.module';
import { PaymentUploadController } from './payment-upload.controller';
import { PaymentUploads } from './payment-uploads.service';

/** CSV uploads of payments; uses the payment commands of the IngestModule. */
@Module({
  imports: [forwardRef(() => IngestModule)],
  controllers: [PaymentUploadController],
  providers: [PaymentUploads],
})
export class UploadsModule {}
