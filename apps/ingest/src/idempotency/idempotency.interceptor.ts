import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { APP_CONFIG, HttpProblem, problemOf, type AppConfig } from '@cvf/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { IdempotencyStore } from './idempotency.store';

const KEY = /^[A-Za-z0-9._:-]{1,255}$/;

/**
 * `Idempotency-Key` on any POST: the first response (success or client error) is stored and
 * returned for every repeat of the same request. The scope is method + route + company, so
 * one key can never replay another endpoint's answer.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly store: IdempotencyStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers['idempotency-key'];
    const key = Array.isArray(header) ? header[0] : header;
    if (request.method !== 'POST' || key === undefined) return next.handle();
    return from(this.run(context, next, request, key));
  }

  private async run(
    context: ExecutionContext,
    next: CallHandler,
    request: FastifyRequest,
    key: string,
  ): Promise<unknown> {
    if (!KEY.test(key)) {
      throw new HttpProblem({
        status: 400,
        error: 'validation_failed',
        message: 'Idempotency-Key: must be 1–255 characters of A-Z a-z 0-9 . _ : -',
        issues: [
          { field: 'Idempotency-Key', reason: 'must be 1–255 characters of A-Z a-z 0-9 . _ : -' },
        ],
      });
    }
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const scope = `${request.method} ${request.url.split('?')[0] ?? ''}`;
    const claim = await this.store.claim(
      scope,
      key,
      fingerprint(request),
      this.config.idempotencyTtlSeconds,
    );
    switch (claim.kind) {
      case 'mismatch':
        throw new HttpProblem({
          status: 422,
          error: 'idempotency_key_reused',
          message: `Idempotency-Key '${key}' was used for a different request`,
        });
      case 'in_flight':
        throw new HttpProblem({
          status: 409,
          error: 'idempotency_key_in_flight',
          message: `a request with Idempotency-Key '${key}' is still being processed; retry shortly`,
        });
      case 'replay':
        void reply.status(claim.status).header('idempotent-replayed', 'true');
        if (claim.status >= 400) throw new HttpProblem(claim.body as HttpProblem['body']);
        return claim.body;
      case 'claimed':
        break;
    }
    try {
      const body: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
      await this.store.complete(scope, key, reply.statusCode, body);
      return body;
    } catch (error) {
      const problem = problemOf(error, request);
      if (problem && problem.status < 500)
        await this.store.complete(scope, key, problem.status, problem);
      else await this.store.release(scope, key);
      throw error;
    }
  }
}

function fingerprint(request: FastifyRequest): string {
  const hash = createHash('sha256');
  const contentType = request.headers['content-type'] ?? '';
  if (contentType.startsWith('multipart/')) {
    // Streamed uploads are hashed by their declared length only; their rows carry their own
    // deterministic ids, so a repeated upload records nothing new anyway.
    hash.update(`multipart:${request.headers['content-length'] ?? ''}`);
  } else {
    hash.update(canonicalJson(request.body ?? null));
  }
  return hash.digest('hex');
}

/**
 * JSON with every object's keys sorted. Key order means nothing in JSON, so a retry whose
 * client serialises the same fields in another order is the same request, not a reuse.
 */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'object' && item !== null && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}
