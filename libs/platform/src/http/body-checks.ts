import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { isUtf8 } from 'node:buffer';
import { ValidationError } from '@cvf/domain';
import { type Observable } from 'rxjs';
import { firstInvalidUtf8, jsonPathAt } from './invalid-utf8';

/**
 * How deep a JSON body may nest. Every request body here is a flat record or a list of them
 * (three or four levels); the limit only stops bodies built to exhaust the stack of whatever
 * walks them next (validation, the storable-text check).
 */
export const MAX_BODY_DEPTH = 64;

/** The depth of `value` (a scalar is 0), walked without recursion; stops past `limit`. */
export function depthOf(value: unknown, limit: number): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    const inner = depth + 1;
    if (inner > deepest) deepest = inner;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      pending.push([child, inner]);
    }
  }
  return deepest;
}

/**
 * Refuses (400, nothing done), before any parameter of the route is resolved or validated:
 * - a JSON body nested deeper than MAX_BODY_DEPTH (a body of a few thousand nested arrays
 *   overflowed the stack of the checks that walk bodies: a 500);
 * - a body that is not valid UTF-8 (it was decoded with U+FFFD in place of the bad bytes and
 *   stored so, silently), naming the field that holds the first bad byte.
 */
@Injectable()
export class BodyChecksInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<{ body?: unknown; rawBody?: Buffer }>();
      if (request.rawBody !== undefined && !isUtf8(request.rawBody)) {
        const bad = firstInvalidUtf8(request.rawBody) ?? 0;
        throw ValidationError.of(jsonPathAt(request.rawBody, bad) || 'body', 'must be valid UTF-8');
      }
      const body = request.body;
      if (
        typeof body === 'object' &&
        body !== null &&
        depthOf(body, MAX_BODY_DEPTH) > MAX_BODY_DEPTH
      ) {
        throw ValidationError.of('body', `must not nest deeper than ${MAX_BODY_DEPTH} levels`);
      }
    }
    return next.handle();
  }
}
