import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { NotFoundError } from '@cvf/domain';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthenticatedError } from '../errors';
import { Authenticator } from './authenticator';
import { canSee, type Principal } from './principal';
import { ROUTE_POLICY, type RoutePolicy } from './route-policy';

/** The verified principal of a request, set by the AuthGuard. */
export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$/;

/** The route's declared policy: the method's, else its controller's. */
export function policyOf(reflector: Reflector, context: ExecutionContext): RoutePolicy | undefined {
  return reflector.getAllAndOverride<RoutePolicy | undefined>(ROUTE_POLICY, [
    context.getHandler(),
    context.getClass(),
  ]);
}

/**
 * Every request: the route's policy, the bearer token, the principal, then the tenant and
 * the role. A company principal asking for another company's resource is answered 404
 * before its role is looked at, so the answer never tells it whether that company exists.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = policyOf(this.reflector, context);
    // RoutePoliciesCheck refuses to start without one; this is the belt to its braces.
    if (policy === undefined) throw new Error(`no route policy on ${context.getClass().name}`);
    if (policy.kind === 'public') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.principalOf(request);
    request.principal = principal;
    const params = request.params as Record<string, string | undefined>;
    const companyId = params.companyId;
    if (companyId !== undefined && !canSee(principal, companyId)) {
      throw new NotFoundError('company', { company_id: companyId });
    }
    if (!policy.roles.includes(principal.role)) {
      throw new ForbiddenError(
        `the ${principal.role} role may not do this (allowed: ${policy.roles.join(', ')})`,
      );
    }
    return true;
  }

  private async principalOf(request: FastifyRequest): Promise<Principal> {
    const header = request.headers.authorization;
    if (header === undefined || header === '') throw new UnauthenticatedError('missing');
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) throw new UnauthenticatedError('invalid');
    const principal = await this.authenticator.authenticate(token);
    if (principal === null) throw new UnauthenticatedError('invalid');
    return principal;
  }
}
