import { wire } from '@cvf/domain';

/**
 * How every JSON body is parsed (registered for application/json by createHttpApp).
 *
 * A JSON number in a money or rate field (`wire.DECIMAL_FIELDS`: amount, cash_cap, churn, …)
 * reaches the handler as the text it was written with, never as a float: `19.99` is the
 * string "19.99", `1500.0` is "1500.0", so it meets the same field rules as the decimal
 * string a client may send instead (≥ 0, at most the currency's decimals). Node 24's
 * JSON.parse hands a reviver the source text of each primitive (`context.source`), which is
 * what makes this exact. Numbers in any other field (payment_period_month, horizon_months,
 * a JSON-RPC id) stay JS numbers, so integer fields keep working as they are.
 *
 * Exponent notation (`1e-05`, which Python's json writes for small floats) is written out
 * as the plain decimal it denotes, digit for digit; beyond MAX_EXPONENT it is left as
 * written, and the field rule refuses it.
 *
 * The prototype-poisoning checks of Fastify's own parser are kept: a `__proto__` key, or a
 * `constructor` object with a `prototype`, is a 400.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') {
    throw badRequest("Body cannot be empty when content-type is set to 'application/json'");
  }
  try {
    return JSON.parse(text, revive) as unknown;
  } catch (error) {
    if (error instanceof SyntaxError) throw badRequest(error.message);
    // A reviver is called recursively: a body nested thousands deep overflows the stack.
    // Parsed without one (V8 does that iteratively) it reaches BodyChecksInterceptor, which
    // refuses any body that deep before a field of it is read (400 naming body).
    if (error instanceof RangeError) return JSON.parse(text) as unknown;
    throw error;
  }
}

const MAX_EXPONENT = 100;
const EXPONENT_FORM = /^(-?)(\d+)(?:\.(\d+))?[eE]([+-]?\d+)$/;

/** The source text of a JSON number as a plain decimal (no exponent), digit for digit. */
export function plainDecimalText(source: string): string {
  const match = EXPONENT_FORM.exec(source);
  if (!match) return source;
  const [, sign, whole, fraction = '', exponentText] = match as unknown as [
    string,
    string,
    string,
    string | undefined,
    string,
  ];
  const exponent = Number(exponentText);
  if (Math.abs(exponent) > MAX_EXPONENT) return source;
  const digits = whole + fraction;
  const point = whole.length + exponent;
  const integer =
    point <= 0
      ? '0'
      : digits
          .slice(0, point)
          .padEnd(point, '0')
          .replace(/^0+(?=\d)/, '');
  const decimals = point <= 0 ? '0'.repeat(-point) + digits : digits.slice(point);
  return decimals === '' ? `${sign}${integer}` : `${sign}${integer}.${decimals}`;
}

interface ReviverContext {
  readonly source?: string;
}

function revive(this: unknown, key: string, value: unknown, context?: ReviverContext): unknown {
  if (key === '__proto__') throw new SyntaxError('Object contains forbidden prototype property');
  if (
    key === 'constructor' &&
    typeof value === 'object' &&
    value !== null &&
    Object.hasOwn(value, 'prototype')
  ) {
    throw new SyntaxError('Object contains forbidden prototype property');
  }
  if (typeof value === 'number' && wire.DECIMAL_FIELDS.has(key)) {
    // Always there on Node 24 (the engines field); without it a number would be a float.
    if (context?.source === undefined) throw new Error('JSON.parse gave no source text');
    return plainDecimalText(context.source);
  }
  return value;
}

function badRequest(message: string): Error {
  return Object.assign(new SyntaxError(message), { statusCode: 400 });
}
