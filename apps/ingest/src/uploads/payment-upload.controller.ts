import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiProperty,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Write, type WriteRequest } from '../http/write-context';
import { PaymentUploads, type UploadResult } from './payment-uploads.service';
import { Allow, ApiOperationIds } from '@cvf/platform';

export class UploadResultDto implements UploadResult {
  @ApiProperty({ description: 'data rows in the file' })
  rows!: number;
  @ApiProperty({ description: 'payments recorded by this upload' })
  recorded!: number;
  @ApiProperty({ description: 'rows whose payment was recorded already with the same facts' })
  already_recorded!: number;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'log position of the last event; pass as min_position to read your write',
  })
  position!: string | null;
  @ApiProperty({ description: 'shared by every event of the upload' })
  correlation_id!: string;
}

@ApiTags('payments')
@ApiOperationIds({ upload: 'uploadPayments' })
@Controller('companies/:companyId/payments')
export class PaymentUploadController {
  constructor(private readonly uploads: PaymentUploads) {}

  @Post('upload')
  @Allow('company')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Upload a CSV of payments: all rows are recorded in one transaction, or none',
    description:
      'Columns customer_id,payment_date,amount[,payment_id] (header row required; dates ' +
      'YYYY-MM-DD; amounts ≥ 0 with at most 2 decimals). A row without payment_id gets a ' +
      'deterministic id from (customer_id, payment_date, amount, occurrence in the file), so ' +
      'uploading the same file again records nothing new. Any bad row → 400 listing the first ' +
      '100 bad rows and their count; a payment_id recorded with other facts → 409 (correct it ' +
      'with PUT); above the upload limit → 413. Nothing is recorded in any of these cases. ' +
      'With an Idempotency-Key, the same file again answers the first response and another ' +
      'file under the same key is 422.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      title: 'UploadPaymentsForm',
      type: 'object',
      required: ['file'],
      properties: {
        file: {
          type: 'string',
          format: 'binary',
          description: 'CSV: customer_id,payment_date,amount[,payment_id]',
        },
      },
    },
  })
  @ApiResponse({ status: 200, type: UploadResultDto })
  @ApiResponse({ status: 400, description: 'bad rows (row, column, reason), or no file part' })
  @ApiResponse({ status: 404, description: 'unknown company' })
  @ApiResponse({ status: 409, description: 'payment ids recorded with different facts' })
  @ApiResponse({ status: 413, description: 'file above the upload limit' })
  @ApiResponse({ status: 415, description: 'not multipart/form-data' })
  upload(
    @Param('companyId') companyId: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Write() write: WriteRequest,
  ): Promise<UploadResult> {
    return this.uploads.upload(companyId, request, reply, write);
  }
}
