/**
 * Application errors: failures a caller can act on that are not domain rules (the domain's
 * own are in libs/domain events/errors.ts). Like those they carry no HTTP status: the one
 * problem filter (http/problem.filter.ts) maps each `code` to a status, once. `details` are
 * the fields a client needs to act (the current version, the rows that conflict, the limit).
 */
export type ApplicationErrorCode =
  | 'version_mismatch'
  | 'payment_conflict'
  | 'payment_not_recorded_yet'
  | 'invalid_signature'
  | 'idempotency_key_reused'
  | 'idempotency_key_in_flight'
  | 'unsupported_media_type'
  | 'method_not_allowed'
  | 'malformed_request'
  | 'payload_too_large'
  | 'invalid_rows'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_yet_consistent'
  | 'rate_limited';

export abstract class ApplicationError extends Error {
  abstract readonly code: ApplicationErrorCode;
  /** Extra answer fields beside `error` and `message`. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(message);
    this.details = details;
  }

  /** Response headers the answer needs (WWW-Authenticate, Retry-After); none by default. */
  get headers(): Readonly<Record<string, string>> {
    return {};
  }
}

/** The stream moved on since the caller read it (If-Match). */
export class VersionMismatchError extends ApplicationError {
  readonly code = 'version_mismatch' as const;
  override readonly name = 'VersionMismatchError';

  constructor(streamId: string, currentVersion: number, expected: number) {
    super(
      `${streamId} is at version ${currentVersion}, not ${expected} (If-Match); reload and retry`,
      { current_version: currentVersion },
    );
  }
}

/** Rows of a bulk import name payments already recorded with other facts: nothing recorded. */
export class PaymentConflictError extends ApplicationError {
  readonly code = 'payment_conflict' as const;
  override readonly name = 'PaymentConflictError';
}

/** A processor event refers to a payment whose own event has not arrived yet (retry later). */
export class PaymentNotRecordedYetError extends ApplicationError {
  readonly code = 'payment_not_recorded_yet' as const;
  override readonly name = 'PaymentNotRecordedYetError';
}

/** A webhook whose signature does not verify: nothing in its body was read. */
export class InvalidSignatureError extends ApplicationError {
  readonly code = 'invalid_signature' as const;
  override readonly name = 'InvalidSignatureError';
}

export class IdempotencyKeyReusedError extends ApplicationError {
  readonly code = 'idempotency_key_reused' as const;
  override readonly name = 'IdempotencyKeyReusedError';

  constructor(key: string) {
    super(`Idempotency-Key '${key}' was used for a different request`);
  }
}

export class IdempotencyKeyInFlightError extends ApplicationError {
  readonly code = 'idempotency_key_in_flight' as const;
  override readonly name = 'IdempotencyKeyInFlightError';

  constructor(key: string) {
    super(`a request with Idempotency-Key '${key}' is still being processed; retry shortly`);
  }
}

export class UnsupportedMediaTypeError extends ApplicationError {
  readonly code = 'unsupported_media_type' as const;
  override readonly name = 'UnsupportedMediaTypeError';
}

/** A path that exists, asked with a method it does not have: 405 with `Allow`. */
export class MethodNotAllowedError extends ApplicationError {
  readonly code = 'method_not_allowed' as const;
  override readonly name = 'MethodNotAllowedError';

  constructor(
    method: string,
    path: string,
    readonly allowed: readonly string[],
  ) {
    super(`${method} is not allowed on ${path}; it answers ${allowed.join(', ')}`, {
      allowed,
    });
  }

  override get headers(): Readonly<Record<string, string>> {
    return { allow: this.allowed.join(', ') };
  }
}

/** The request could not be read at all (a broken multipart body, say). */
export class MalformedRequestError extends ApplicationError {
  readonly code = 'malformed_request' as const;
  override readonly name = 'MalformedRequestError';
}

export class PayloadTooLargeError extends ApplicationError {
  readonly code = 'payload_too_large' as const;
  override readonly name = 'PayloadTooLargeError';

  constructor(message: string, limitBytes: number) {
    super(message, { limit_bytes: limitBytes });
  }
}

/** A row of an uploaded file and what is wrong with it (row = line number, header is 1). */
export interface RowIssue {
  readonly row: number;
  readonly column: string;
  readonly reason: string;
}

/** Bad rows in an uploaded file: the first ones listed, all counted; nothing recorded. */
export class InvalidRowsError extends ApplicationError {
  readonly code = 'invalid_rows' as const;
  override readonly name = 'InvalidRowsError';

  constructor(
    message: string,
    readonly issues: readonly RowIssue[],
    issueCount: number,
  ) {
    super(message, { issue_count: issueCount });
  }
}

/** Too many requests from one principal (or address) in the window: 429 with Retry-After. */
export class RateLimitedError extends ApplicationError {
  readonly code = 'rate_limited' as const;
  override readonly name = 'RateLimitedError';

  constructor(
    readonly limitPerMinute: number,
    readonly retryAfterSeconds: number,
  ) {
    super(
      `more than ${limitPerMinute} requests a minute from this credential; retry in ${retryAfterSeconds} s`,
      { limit_per_minute: limitPerMinute, retry_after_seconds: retryAfterSeconds },
    );
  }

  override get headers(): Readonly<Record<string, string>> {
    return { 'retry-after': String(this.retryAfterSeconds) };
  }
}

/**
 * No credential, or one that does not verify (malformed, expired, wrong issuer or audience,
 * bad signature, revoked). The answer never says more than that: what was wrong is not a
 * hint an attacker should get. 401 with `WWW-Authenticate: Bearer`.
 */
export class UnauthenticatedError extends ApplicationError {
  readonly code = 'unauthenticated' as const;
  override readonly name = 'UnauthenticatedError';

  constructor(readonly reason: 'missing' | 'invalid') {
    super(
      reason === 'missing'
        ? 'a bearer token is required (Authorization: Bearer <API key or JWT>)'
        : 'the bearer token is not valid (unknown, revoked, expired or badly signed)',
    );
  }

  override get headers(): Readonly<Record<string, string>> {
    return {
      'www-authenticate':
        this.reason === 'missing'
          ? 'Bearer realm="cvf"'
          : 'Bearer realm="cvf", error="invalid_token"',
    };
  }
}

/** A verified principal whose role may not do this. 403. */
export class ForbiddenError extends ApplicationError {
  readonly code = 'forbidden' as const;
  override readonly name = 'ForbiddenError';
}
