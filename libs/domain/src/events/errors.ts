/**
 * The failures a caller can act on, one class each. The HTTP layer maps them once:
 * ValidationError → 400, NotFoundError → 404, ConflictError → 409, RuleViolationError → 422.
 * `kind` is the discriminant for that mapping, so it does not depend on `instanceof` across
 * bundles.
 */
export type DomainErrorKind = 'validation' | 'not_found' | 'conflict' | 'rule_violation';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
}

export interface ValidationIssue {
  /** The wire name of the input field (snake_case, as the caller sent it). */
  readonly field: string;
  readonly reason: string;
}

/** Malformed or out-of-range input; lists every bad field, not just the first. */
export class ValidationError extends DomainError {
  readonly kind = 'validation' as const;
  override readonly name = 'ValidationError';

  /** `message` defaults to every issue as "field: reason", joined by "; ". */
  constructor(
    readonly issues: readonly ValidationIssue[],
    message: string = issues.map((issue) => `${issue.field}: ${issue.reason}`).join('; '),
  ) {
    super(message);
  }

  static of(field: string, reason: string): ValidationError {
    return new ValidationError([{ field, reason }]);
  }
}

/** What identifies the missing or conflicting thing, e.g. `{ cohort_month: '2020-01-01' }`. */
export type ResourceKey = Readonly<Record<string, string | number>>;

function describe(resource: string, key: ResourceKey): string {
  const parts = Object.entries(key).map(([field, value]) => `${field} ${String(value)}`);
  return parts.length === 0 ? resource : `${resource} (${parts.join(', ')})`;
}

export class NotFoundError extends DomainError {
  readonly kind = 'not_found' as const;
  override readonly name = 'NotFoundError';

  constructor(
    readonly resource: string,
    readonly key: ResourceKey = {},
  ) {
    super(`${describe(resource, key)} not found`);
  }
}

/** The thing already exists (or exists with different data) and the command would clash. */
export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;
  override readonly name = 'ConflictError';

  constructor(
    readonly resource: string,
    readonly key: ResourceKey,
    detail: string,
  ) {
    super(`${describe(resource, key)}: ${detail}`);
  }
}

/** Well-formed input that a business rule refuses (e.g. refunding more than was paid). */
export class RuleViolationError extends DomainError {
  readonly kind = 'rule_violation' as const;
  override readonly name = 'RuleViolationError';

  constructor(
    /** A stable code for clients, e.g. 'refund_exceeds_payment'. */
    readonly rule: string,
    message: string,
  ) {
    super(message);
  }
}
