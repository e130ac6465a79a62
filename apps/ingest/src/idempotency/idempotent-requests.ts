import { Inject, Injectable, SetMetadata } from '@nestjs/common';
import { ValidationError } from '@cvf/domain';
import {
  APP_CONFIG,
  IdempotencyKeyInFlightError,
  IdempotencyKeyReusedError,
  problemOf,
  ReplayedProblem,
  type AppConfig,
  type ProblemBody,
} from '@cvf/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { IdempotencyStore } from './idempotency.store';

const KEY = /^[A-Za-z0-9._:-]{1,255}$/;

export const NOT_REPLAYED_FIELDS = 'cvf:idempotency:not-replayed';

/**
 * Fields of a route's answer that are shown once and never stored for a replay (a created
 * signing secret: the idempotency table must not become a second copy of it). A replay
 * answers null for them.
 */
export const NotReplayed = (...fields: string[]) => SetMetadata(NOT_REPLAYED_FIELDS, fields);

/** The request's `Idempotency-Key`, if it is a POST that carries one. */
export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  return request.method === 'POST' ? key : undefined;
}

/**
 * `Idempotency-Key` semantics for one request: the first response (success or client error)
 * is stored and returned for every repeat of the same request; the same key with another
 * request is 422, and a repeat while the first is still running is 409. The scope is method
 * + route + company, so one key can never replay another endpoint's answer. `fingerprint`
 * says what "the same request" means: the canonical JSON body (the interceptor), or the
 * uploaded file's bytes (uploads, which know them only once the file is read).
 */
@Injectable()
export class IdempotentRequests {
  constructor(
    private readonly store: IdempotencyStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(
    request: FastifyRequest,
    reply: FastifyReply,
    fingerprint: string,
    work: () => Promise<unknown>,
    notReplayed: readonly string[] = [],
  ): Promise<unknown> {
    const key = idempotencyKeyOf(request);
    if (key === undefined) return work();
    if (!KEY.test(key)) {
      throw ValidationError.of(
        'Idempotency-Key',
        'must be 1–255 characters of A-Z a-z 0-9 . _ : -',
      );
    }
    // One trailing slash is ignored by the router, so by the key's scope too: a retry of
    // POST /companies/ is a retry of POST /companies.
    const path = request.url.split('?')[0] ?? '';
    const scope = `${request.method} ${path.length > 1 ? path.replace(/\/$/, '') : path}`;
    const claim = await this.store.claim(
      scope,
      key,
      fingerprint,
      this.config.idempotencyTtlSeconds,
    );
    switch (claim.kind) {
      case 'mismatch':
        throw new IdempotencyKeyReusedError(key);
      case 'in_flight':
        throw new IdempotencyKeyInFlightError(key);
      case 'replay':
        void reply.status(claim.status).header('idempotent-replayed', 'true');
        if (claim.status >= 400) throw new ReplayedProblem(claim.body as ProblemBody);
        return claim.body;
      case 'claimed':
        break;
    }
    try {
      const body = await work();
      await this.store.complete(scope, key, reply.statusCode, withoutFields(body, notReplayed));
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

/**
 * A request fingerprint: sha256 of the canonical JSON body (as stored by every release so
 * far, so keys taken before an upgrade still replay), or of the uploaded file's own sha256.
 */
export function fingerprintOf(kind: 'json' | 'file', content: string): string {
  return createHash('sha256')
    .update(kind === 'json' ? content : `multipart-file:${content}`)
    .digest('hex');
}

function withoutFields(body: unknown, fields: readonly string[]): unknown {
  if (fields.length === 0 || typeof body !== 'object' || body === null) return body;
  return { ...body, ...Object.fromEntries(fields.map((field) => [field, null])) };
}
