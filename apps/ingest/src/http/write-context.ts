import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ValidationError, type CompanyCommand, type PaymentCommand } from '@cvf/domain';
import {
  actorOf,
  asCommandRoute,
  type AuthenticatedRequest,
  type CommandContext,
} from '@cvf/platform';
import { CompanyWrite, PaymentWrite } from '../commands/write-commands';
import { requireStorableText } from './storable-text';

/**
 * Who is writing and under which request: every event records it (ARCHITECTURE.md). The
 * actor is the verified principal (API key id or JWT subject, and its role) and the
 * correlation id is the request id: no header a client sends can set either (an `X-Actor`
 * header is ignored).
 */
export interface WriteRequest {
  readonly actor: string;
  readonly correlationId: string;
  /** The stream version the caller read (If-Match), when given. */
  readonly ifMatch: number | undefined;
}

export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header);
  if (!match) {
    throw new ValidationError(
      [{ field: 'If-Match', reason: 'must be a stream version such as "3"' }],
      `If-Match: '${header}' is not a stream version (e.g. "3")`,
    );
  }
  return Number(match[1]);
}

const writeRequest = createParamDecorator((_data: unknown, ctx: ExecutionContext): WriteRequest => {
  const request = ctx.switchToHttp().getRequest<AuthenticatedRequest>();
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  // Every write route takes this decorator, so this is where text that could never be
  // appended (or stored as an idempotent response) is refused, before any field rule runs.
  requireStorableText(request.params, request.query, request.body);
  // Every write route has a role policy, so the AuthGuard has set the principal.
  const principal = request.principal;
  if (principal == null) throw new Error('a write route ran without a verified principal');
  return {
    actor: actorOf(principal),
    correlationId: String(request.id),
    ifMatch: parseIfMatch(header('if-match')),
  };
});

/** The write of a command; marks its route as one in the OpenAPI document (If-Match, 409, 412, 422). */
export const Write = asCommandRoute(writeRequest);

export function commandContext(companyId: string, write: WriteRequest): CommandContext {
  return { companyId, actor: write.actor, correlationId: write.correlationId, causationId: null };
}

/** A REST request's company command, as the CommandBus takes it. */
export function companyWrite(
  companyId: string,
  command: CompanyCommand,
  write: WriteRequest,
): CompanyWrite {
  return new CompanyWrite(command, commandContext(companyId, write), write.ifMatch);
}

/** A REST request's payment command, as the CommandBus takes it. */
export function paymentWrite(
  companyId: string,
  command: PaymentCommand,
  write: WriteRequest,
): PaymentWrite {
  return new PaymentWrite(command, commandContext(companyId, write), write.ifMatch);
}
