import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DecimalProperty } from '../http/decimal-property';
import { IsInt, IsOptional, IsString, Min } from 'class-validator';

// Shapes only: the company decider validates values and names the field it rejects, so the
// API, CSV imports and webhooks cannot disagree about what is valid.

export class RegisterCompanyDto {
  @ApiPropertyOptional({
    description: 'Client-chosen id (1–100 of A-Z a-z 0-9 . _ : -); a uuid when omitted',
  })
  @IsOptional()
  @IsString()
  id?: string;

  @ApiProperty({ example: 'Acme Analytics' })
  @IsString()
  name!: string;

  @ApiPropertyOptional({
    example: 'EUR',
    default: 'USD',
    description:
      'ISO 4217; every amount of the company is in its minor unit. Fixed once registered.',
  })
  @IsOptional()
  @IsString()
  currency?: string;

  @ApiPropertyOptional({
    example: 'Europe/Berlin',
    default: 'UTC',
    description:
      'IANA time zone: a processor timestamp (a webhook) becomes a date here. Fixed once registered.',
  })
  @IsOptional()
  @IsString()
  timezone?: string;
}

export class RenameCompanyDto {
  @ApiProperty({ example: 'Acme Analytics Inc.' })
  @IsString()
  name!: string;
}

export class TradeTermsDto {
  @DecimalProperty({ example: '0.8', description: '0 < sharing_percentage ≤ 1, echoed as entered' })
  sharing_percentage!: string;

  @DecimalProperty({ example: '500.00', description: "> 0, at most the currency's decimals" })
  cash_cap!: string;
}

const COHORT_MONTH = {
  example: '2020-01',
  description: 'YYYY-MM or YYYY-MM-01 (any date of the month); also accepted as cohort_start_at',
};

export class CreateTradeDto extends TradeTermsDto {
  @ApiProperty(COHORT_MONTH)
  @IsString()
  cohort_month!: string;
}

const PLANNED_SPEND = {
  example: '1000.00',
  description: "≥ 0, at most the currency's decimals; also accepted as spend",
};

export class PlannedSpendDto {
  @DecimalProperty(PLANNED_SPEND)
  planned_spend!: string;

  @ApiPropertyOptional({ ...COHORT_MONTH, description: "when given, the path's month" })
  @IsOptional()
  @IsString()
  cohort_month?: string;
}

export class PlanSpendDto {
  @DecimalProperty(PLANNED_SPEND)
  planned_spend!: string;

  @ApiProperty(COHORT_MONTH)
  @IsString()
  cohort_month!: string;
}

export class ActualSpendDto {
  @DecimalProperty({
    example: '950.00',
    description: "≥ 0, at most the currency's decimals; replaces planned spend in every ratio",
  })
  actual_spend!: string;
}

export class ThresholdMinimumDto {
  @DecimalProperty({ example: '0.25', description: '0 ≤ minimum ≤ 1, echoed as entered' })
  minimum_payment_percent!: string;

  @ApiPropertyOptional({ example: 1, description: "when given, the path's period" })
  @IsOptional()
  @IsInt()
  @Min(0)
  payment_period_month?: number;
}

export class SetThresholdDto {
  @DecimalProperty({ example: '0.25', description: '0 ≤ minimum ≤ 1, echoed as entered' })
  minimum_payment_percent!: string;

  @ApiProperty({ example: 1, description: 'payment period (months since the cohort month), ≥ 0' })
  @IsInt()
  @Min(0)
  payment_period_month!: number;
}

export class OverrideThresholdDto {
  @ApiProperty(COHORT_MONTH)
  @IsString()
  cohort_month!: string;

  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(0)
  payment_period_month!: number;

  @ApiProperty({ example: 'Seasonal dip agreed with underwriting' })
  @IsString()
  reason!: string;
}

export class PredictionAssumptionsDto {
  @DecimalProperty({ example: '0.4', description: 'period-0 payments per unit of spend, ≥ 0' })
  m0!: string;

  @DecimalProperty({ example: '0.1', description: 'month-over-month churn, 0 ≤ churn ≤ 1' })
  churn!: string;
}

export class WriteResultDto {
  @ApiProperty() stream_id!: string;
  @ApiProperty({ description: 'the stream version after the write; send it as If-Match' })
  stream_version!: number;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'log position; pass as min_position to read your write',
  })
  position!: string | null;
  @ApiProperty({ description: '0 when the command changed nothing (repeated or already recorded)' })
  events_appended!: number;
}

export class RegisteredCompanyDto extends WriteResultDto {
  @ApiProperty({ description: 'the company id (the one sent, or a fresh uuid)' }) id!: string;
}
