import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { DecimalProperty } from '../http/decimal-property';
import { WriteResultDto } from '../companies/company.dto';

export class PaymentFactsDto {
  @ApiProperty({ example: 'cus_42' })
  @IsString()
  customer_id!: string;

  @ApiProperty({
    example: '2020-01-15',
    description:
      "YYYY-MM-DD, taken as written; or an RFC 3339 timestamp with its offset, taken as the date it falls on in the company's time zone",
  })
  @IsString()
  payment_date!: string;

  @DecimalProperty({ example: '200.00', description: "≥ 0, at most the currency's decimals" })
  amount!: string;
}

export class RecordPaymentDto extends PaymentFactsDto {
  @ApiPropertyOptional({
    description:
      'Unique per company. When omitted, a deterministic id is derived from (customer_id, payment_date, amount): ' +
      'a retry records nothing new, and a second identical payment on the same day needs its own payment_id.',
  })
  @IsOptional()
  @IsString()
  payment_id?: string;

  @ApiPropertyOptional({
    example: 'USD',
    description: "When given, it must be the company's currency (amounts are in it either way)",
  })
  @IsOptional()
  @IsString()
  currency?: string;
}

export class RefundDto {
  @DecimalProperty({
    example: '50.00',
    description: '> 0; all refunds together never exceed the payment',
  })
  amount!: string;

  @ApiPropertyOptional({
    description: 'Unique per payment; a uuid when omitted (send Idempotency-Key to retry safely)',
  })
  @IsOptional()
  @IsString()
  refund_id?: string;
}

export class RecordedPaymentDto extends WriteResultDto {
  @ApiProperty({ description: 'the id sent, or the one derived from the facts' })
  payment_id!: string;
}

export class RecordedRefundDto extends WriteResultDto {
  @ApiProperty({ description: 'the id sent, or a fresh uuid' }) refund_id!: string;
}
