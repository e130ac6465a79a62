import { SkipThrottle } from '@nestjs/throttler';
import { RATE_LIMITER } from '../auth/rate-limit';
import { ROUTE_POLICY, type RoutePolicy } from '../auth/route-policy';

type Handler = (...args: never[]) => unknown;

/**
 * For the benchmarks only: runs `measure` while one route handler is declared public and
 * unthrottled, so its requests skip bearer verification and the per-principal rate limit
 * (the guards still run and read the route's metadata, as they do for /health). Both guards
 * read the metadata on every request, so a running app follows at once; the route's own
 * policy is put back afterwards, whatever `measure` does.
 */
export async function withoutFrontDoor<T>(handler: Handler, measure: () => Promise<T>): Promise<T> {
  const policy = Reflect.getMetadata(ROUTE_POLICY, handler) as RoutePolicy | undefined;
  if (policy === undefined) throw new Error(`${handler.name} declares no route policy`);
  const descriptor = { value: handler };
  const open: RoutePolicy = { kind: 'public', reason: 'benchmark: the cost of the front door' };
  Reflect.defineMetadata(ROUTE_POLICY, open, handler);
  SkipThrottle({ [RATE_LIMITER]: true })({}, handler.name, descriptor);
  try {
    return await measure();
  } finally {
    Reflect.defineMetadata(ROUTE_POLICY, policy, handler);
    SkipThrottle({ [RATE_LIMITER]: false })({}, handler.name, descriptor);
  }
}
