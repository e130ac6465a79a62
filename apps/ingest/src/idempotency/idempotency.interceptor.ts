import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import {
  fingerprintOf,
  idempotencyKeyOf,
  IdempotentRequests,
  NOT_REPLAYED_FIELDS,
} from './idempotent-requests';

/**
 * `Idempotency-Key` on any JSON POST (see IdempotentRequests). Multipart uploads are left to
 * their handler: what makes two uploads the same is the file's content, known only once the
 * streamed file has been read (the upload service fingerprints it then, before recording).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly requests: IdempotentRequests,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (idempotencyKeyOf(request) === undefined || isMultipart(request)) return next.handle();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const notReplayed =
      this.reflector.get<string[] | undefined>(NOT_REPLAYED_FIELDS, context.getHandler()) ?? [];
    return from(
      this.requests.run(
        request,
        reply,
        fingerprintOf('json', canonicalJson(request.body)),
        () => lastValueFrom(next.handle(), { defaultValue: undefined }),
        notReplayed,
      ),
    );
  }
}

const isMultipart = (request: FastifyRequest): boolean =>
  (request.headers['content-type'] ?? '').startsWith('multipart/');

/**
 * JSON with every object's keys sorted. Key order means nothing in JSON, so a retry whose
 * client serialises the same fields in another order is the same request, not a reuse.
 */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, item: unknown) =>
    typeof item === 'object' && item !== null && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}
