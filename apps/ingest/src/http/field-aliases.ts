import {
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import { ValidationError } from '@cvf/domain';
import { type Observable } from 'rxjs';

/**
 * Other names a body may give a field: the ones the Python API this service replaces used
 * (and the CSV files still do). Ours is the canonical name; the routes' DTOs, commands and
 * errors know only it.
 */
const FIELD_ALIASES = {
  cohort_month: 'cohort_start_at',
  planned_spend: 'spend',
} as const;

type AliasedField = keyof typeof FIELD_ALIASES;

/**
 * Renames each alias of `fields` in the JSON body to its canonical name before validation
 * (interceptors run before pipes); a body that gives a field under both names is a 400
 * naming both, whatever the values.
 */
class FieldAliasesInterceptor implements NestInterceptor {
  constructor(private readonly fields: readonly AliasedField[]) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<{ body?: unknown }>();
    const body = request.body;
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
      request.body = withCanonicalNames(body as Record<string, unknown>, this.fields);
    }
    return next.handle();
  }
}

function withCanonicalNames(
  body: Readonly<Record<string, unknown>>,
  fields: readonly AliasedField[],
): Record<string, unknown> {
  const renamed = { ...body };
  const both = fields.filter(
    (field) => Object.hasOwn(body, field) && Object.hasOwn(body, FIELD_ALIASES[field]),
  );
  if (both.length > 0) {
    throw new ValidationError(
      both.map((field) => ({
        field: FIELD_ALIASES[field],
        reason: `is another name for ${field}: give one of them, not both`,
      })),
    );
  }
  for (const field of fields) {
    const alias = FIELD_ALIASES[field];
    if (!Object.hasOwn(renamed, alias)) continue;
    renamed[field] = renamed[alias];
    delete renamed[alias];
  }
  return renamed;
}

/** The route's body may name these fields by their aliases (FIELD_ALIASES). */
export const AcceptAliases = (...fields: AliasedField[]) =>
  UseInterceptors(new FieldAliasesInterceptor(fields));
