import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import {
  DEFAULT_HORIZON,
  type Dec,
  type Parsed,
  type PredictionAssumptions,
  type PredictionInputs,
  SCENARIOS,
  type Scenario,
  validateFields,
  wire,
} from '@cvf/domain';

export const MAX_HORIZON_MONTHS = 600;

/**
 * `POST /companies/{id}/cashflows/predicted`. Values are checked by the domain's own field
 * rules (`wire`), not by decorators, so this route and the assumptions command accept and
 * refuse exactly the same values. `@Allow` only admits the fields: anything else is a 400.
 */
export class PredictionRequestDto {
  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'number' }],
    example: '0.1',
    description: 'month-over-month churn, 0 ≤ churn ≤ 1 (a decimal string or a number)',
  })
  @Allow()
  churn?: unknown;

  @ApiPropertyOptional({
    oneOf: [{ type: 'string' }, { type: 'number' }],
    example: '0.4',
    description:
      "period-0 payments per unit of spend, ≥ 0; defaults to the scenario's m0, else AVERAGE's, else unknown: cohorts without payments are then left unpredicted (unpredicted_reason)",
  })
  @Allow()
  m0?: unknown;

  @ApiPropertyOptional({ enum: SCENARIOS, description: 'where a missing m0 is taken from' })
  @Allow()
  scenario?: unknown;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_HORIZON_MONTHS,
    default: DEFAULT_HORIZON,
  })
  @Allow()
  horizon_months?: unknown;
}

export interface PredictionRequest {
  readonly churn: Dec;
  readonly m0: Dec | undefined;
  readonly scenario: Scenario | undefined;
  readonly horizon: number;
}

/**
 * A JSON number here is already the text it was written with (the JSON body parser reads
 * money and rate fields exactly: libs/platform exact-json.ts), so only text is parsed.
 */
function asDecimal(raw: unknown, rule: (text: unknown) => Parsed<Dec>): Parsed<Dec> {
  if (raw !== undefined && raw !== null && typeof raw !== 'string') {
    return { ok: false, reason: 'must be a decimal number or string' };
  }
  return rule(raw);
}

function horizonMonths(raw: unknown): Parsed<number> {
  if (raw === undefined || raw === null) return { ok: true, value: DEFAULT_HORIZON };
  const text = typeof raw === 'number' || typeof raw === 'string' ? String(raw) : '';
  const value = Number(text);
  return /^\d{1,3}$/.test(text) && value >= 1 && value <= MAX_HORIZON_MONTHS
    ? { ok: true, value }
    : { ok: false, reason: `must be a whole number of months from 1 to ${MAX_HORIZON_MONTHS}` };
}

/** Every bad field at once, in the domain's words (400 with issues). */
export function parsePredictionRequest(body: PredictionRequestDto | undefined): PredictionRequest {
  const input = body ?? {};
  const fields = validateFields<{
    churn: Dec;
    m0: Dec | undefined;
    scenario: Scenario | undefined;
    horizon_months: number;
  }>({
    churn: asDecimal(input.churn, wire.churn),
    m0: wire.optional(input.m0, (raw) => asDecimal(raw, wire.m0)),
    scenario: wire.optional(input.scenario, (raw) => wire.oneOf(raw, SCENARIOS)),
    horizon_months: horizonMonths(input.horizon_months),
  });
  const { horizon_months: horizon, ...rest } = fields;
  return { ...rest, horizon };
}

/**
 * What to predict with: churn as asked, m0 as asked or else the scenario's (when one is
 * named and the company has it) or else AVERAGE's; with none of them, m0 is unknown and
 * only cohorts with payments are predicted (the others say why: `unpredicted_reason`).
 */
export function resolveAssumptions(
  request: PredictionRequest,
  known: ReadonlyMap<Scenario, PredictionAssumptions>,
): PredictionInputs {
  const fallback = (request.scenario && known.get(request.scenario)) ?? known.get('AVERAGE');
  return { m0: request.m0 ?? fallback?.m0 ?? null, churn: request.churn };
}
