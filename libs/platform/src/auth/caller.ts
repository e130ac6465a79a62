import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type AuthenticatedRequest } from './auth.guard';
import { type Principal } from './principal';

/**
 * The verified principal of the request, for a route whose answer depends on who asks (a
 * company sees only its own list entries, and no predictions). Only on routes with a role
 * policy: the AuthGuard has verified the principal before the handler runs.
 */
export const Caller = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (principal == null) throw new Error('@Caller() on a route without a role policy');
  return principal;
});
