import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiParam, ApiQuery, ApiResponse, type SchemaObject } from '@nestjs/swagger';
import { headerRef } from '@cvf/platform';
import { problemSchema } from './openapi-schemas';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './query-params';

/**
 * Reads from the read models or the cache see the caller's own writes by default
 * (ReadModelGate.find); the audit trail reads the log itself and does not wait.
 */
const OWN_WRITES =
  'Without it, a read that finds nothing first waits (READ_OWN_WRITES_WAIT_MS, 2 s by ' +
  "default) until the read models have passed the log's head, so what the caller has just " +
  'written is found, not a 404; whatever is found is answered at once, as it is.';
const NOT_FOUND_AFTER_OWN_WRITES =
  "unknown company (without min_position: once the read models have passed the log's head, " +
  'or after READ_OWN_WRITES_WAIT_MS)';

/**
 * What every read route documents: its 200 body and the X-Log-Position it carries,
 * read-your-writes (`min_position`, 503; without it, a miss waits for the log's head before
 * its 404), 400 for a bad parameter and, under a company, 404.
 */
export function ApiRead(
  ok: SchemaObject,
  options: { readonly source?: 'cache' | 'read models' | 'log'; readonly company?: boolean } = {},
) {
  const kind = options.source ?? 'cache';
  const source = {
    cache: 'the cached result reflects',
    'read models': 'the read models reflect',
    log: 'the event log shows',
  }[kind];
  const log = kind === 'log';
  return applyDecorators(
    ...(options.company === false
      ? []
      : [
          ApiParam({ name: 'companyId', description: 'the company id' }),
          ApiResponse({
            status: 404,
            description: log ? 'unknown company' : NOT_FOUND_AFTER_OWN_WRITES,
            schema: problemSchema,
          }),
        ]),
    ApiQuery({
      name: 'min_position',
      required: false,
      type: String,
      description:
        `A write's "position": wait (up to 5 s) until ${source} it (read-your-writes); ` +
        `503 with Retry-After otherwise.${log ? '' : ` ${OWN_WRITES}`}`,
    }),
    ApiOkResponse({ schema: ok, headers: { 'X-Log-Position': headerRef('X-Log-Position') } }),
    ApiResponse({
      status: 400,
      description: 'a bad parameter, named in issues',
      schema: problemSchema,
    }),
    ApiResponse({
      status: 503,
      description: 'min_position not reached in 5 s',
      schema: problemSchema,
    }),
  );
}

export function ApiPage() {
  return applyDecorators(
    ApiQuery({
      name: 'limit',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE },
      description: `page size, 1–${MAX_PAGE_SIZE}`,
    }),
    ApiQuery({
      name: 'cursor',
      required: false,
      type: String,
      description: 'next_cursor of the previous page',
    }),
  );
}
