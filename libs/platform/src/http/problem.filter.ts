import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  ValidationError as ClassValidatorError,
} from '@nestjs/common';
import { DomainError, ValidationError } from '@cvf/domain';
import { DuplicateEventIdError, WrongExpectedVersionError } from '@cvf/event-store';
import { ApplicationError, type ApplicationErrorCode, InvalidRowsError } from '../errors';
import { clientClosedRequest } from './client-abort';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Every failure a caller can act on maps to HTTP here, once:
 * 400 validation (with field or row details), 404, 405 (with Allow), 409 conflict, 412
 * version mismatch (If-Match), 413 too large, 422 rule violation. A client that hung up
 * mid-request is not our fault (400, logged as its request, at info). Anything else is our
 * fault: 500, logged with the request id, and the body says nothing internal.
 */
export interface ProblemBody {
  readonly status: number;
  readonly error: string;
  readonly message: string;
  readonly issues?: readonly object[];
  readonly [extra: string]: unknown;
}

/**
 * An answer recorded earlier (an Idempotency-Key replay of a client error), sent again as it
 * was. Idempotency is the HTTP layer's own concern, so this one carries its status.
 */
export class ReplayedProblem extends Error {
  constructor(readonly body: ProblemBody) {
    super(body.message);
  }
}

/** The status of each application error: the only place that decides it. */
const APPLICATION_STATUS: Readonly<Record<ApplicationErrorCode, number>> = {
  version_mismatch: 412,
  payment_conflict: 409,
  payment_not_recorded_yet: 409,
  invalid_signature: 400,
  idempotency_key_reused: 422,
  idempotency_key_in_flight: 409,
  unsupported_media_type: 415,
  method_not_allowed: 405,
  malformed_request: 400,
  payload_too_large: 413,
  invalid_rows: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_yet_consistent: 503,
  rate_limited: 429,
};

function applicationProblem(error: ApplicationError): ProblemBody {
  const status = APPLICATION_STATUS[error.code];
  if (error instanceof InvalidRowsError) {
    // Rows of a file are input fields too: the same code as any other validation failure.
    return {
      status,
      error: 'validation_failed',
      message: error.message,
      issues: error.issues.map(({ row, column, reason }) => ({ row, column, reason })),
      ...error.details,
    };
  }
  const code = error.code === 'malformed_request' ? 'bad_request' : error.code;
  return { status, error: code, message: error.message, ...error.details };
}

export function problemOf(error: unknown, request?: FastifyRequest): ProblemBody | null {
  if (error instanceof ReplayedProblem) return error.body;
  if (error instanceof ApplicationError) return applicationProblem(error);
  if (error instanceof DomainError) {
    switch (error.kind) {
      case 'validation': {
        const issues = error instanceof ValidationError ? error.issues : [];
        return { status: 400, error: 'validation_failed', message: error.message, issues };
      }
      case 'not_found':
        return { status: 404, error: 'not_found', message: error.message };
      case 'conflict':
        return { status: 409, error: 'conflict', message: error.message };
      case 'rule_violation':
        return {
          status: 422,
          error: 'rule_violation',
          message: error.message,
          ...('rule' in error ? { rule: String(error.rule) } : {}),
        };
    }
  }
  if (error instanceof WrongExpectedVersionError) {
    // With If-Match the caller stated a version: 412. Without, a concurrent writer won: 409.
    const ifMatch = request?.headers['if-match'] !== undefined;
    return ifMatch
      ? { status: 412, error: 'version_mismatch', message: error.message }
      : {
          status: 409,
          error: 'concurrent_modification',
          message: `${error.message}; retry the request`,
        };
  }
  if (error instanceof DuplicateEventIdError) {
    return { status: 409, error: 'conflict', message: error.message };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : typeof response === 'object' && 'message' in response
          ? String(response.message)
          : error.message;
    return { status, error: errorCode(status), message };
  }
  // Errors Fastify raises before a handler runs (body too large, bad JSON, bad media type).
  const fastifyError = error as { statusCode?: unknown; message?: unknown };
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    const status = fastifyError.statusCode;
    const message = typeof fastifyError.message === 'string' ? fastifyError.message : 'bad request';
    return { status, error: errorCode(status), message };
  }
  return null;
}

function errorCode(status: number): string {
  switch (status) {
    case 400:
      return 'bad_request';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 412:
      return 'version_mismatch';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 422:
      return 'rule_violation';
    default:
      return HttpStatus[status]?.toLowerCase() ?? 'error';
  }
}

/** class-validator failures → one 400 naming every bad field (nested paths joined by '.'). */
export function validationProblem(errors: readonly ClassValidatorError[]): ValidationError {
  const issues: { field: string; reason: string }[] = [];
  const walk = (list: readonly ClassValidatorError[], prefix: string) => {
    for (const e of list) {
      const field = prefix ? `${prefix}.${e.property}` : e.property;
      for (const reason of Object.values(e.constraints ?? {})) issues.push({ field, reason });
      walk(e.children ?? [], field);
    }
  };
  walk(errors, '');
  return new ValidationError(issues);
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    // A client that hung up is not a server error: its request line (logRequests) says so, at
    // info. Not in problemOf, so an Idempotency-Key is released for the retry, not answered.
    const problem =
      problemOf(error, request) ??
      (clientClosedRequest(error, request.raw)
        ? {
            status: 400,
            error: 'bad_request',
            message: 'the client closed the request before it was complete',
          }
        : {
            status: 500,
            error: 'internal_error',
            message: `internal error; quote request id ${String(request.id)}`,
          });
    if (problem.status >= 500 && !(error instanceof ApplicationError)) {
      this.logger.error(
        { err: error, requestId: request.id, url: request.url },
        error instanceof Error ? error.stack : String(error),
      );
    }
    if (error instanceof ApplicationError) void reply.headers(error.headers);
    void reply.status(problem.status).header('content-type', 'application/json').send(problem);
  }
}
