import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';

interface DecimalOptions {
  readonly example: string;
  readonly description: string;
}

const schema = (options: DecimalOptions) => ({
  oneOf: [{ type: 'string' }, { type: 'number' }],
  example: options.example,
  description: `${options.description}; a decimal string or a JSON number, read exactly as written`,
});

/**
 * A money or rate field of a body. A JSON number in it has become its exact source text in
 * the JSON parser (libs/platform exact-json.ts, `wire.DECIMAL_FIELDS`), so here it is text
 * either way; the domain's field rule then checks the value.
 */
export const DecimalProperty = (options: DecimalOptions) =>
  applyDecorators(
    ApiProperty(schema(options)),
    IsString({ message: '$property must be a decimal number or string' }),
  );
