import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { NotFoundError } from '@cvf/domain';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthenticatedError } from '../errors';
import { Authenticator } from './authenticator';
import { canSee, type Principal } from './principal';
import { ROUTE_POLICY, type RoutePolicy } from './route-policy';

/**
 * The verified principal of a request, set by the AuthGuard; null until then and on public
 * routes. (createHttpApp declares the property on Fastify's requests up front, so setting it
 * does not change their shape on every request.)
 */
export type AuthenticatedRequest = FastifyRequest & { principal: Principal | null };

const BEARER = 'Bearer ';
/** RFC 6750's token68 characters, at most 4 KiB. */
const TOKEN = /^[A-Za-z0-9._~+/=-]{1,4096}$/;

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

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const policy = policyOf(this.reflector, context);
    // RoutePoliciesCheck refuses to start without one; this is the belt to its braces.
    if (policy === undefined) throw new Error(`no route policy on ${context.getClass().name}`);
    if (policy.kind === 'public') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerOf(request);
    // A token verified within the last second is answered without a promise (and was
    // well-formed then).
    const remembered = this.authenticator.remembered(token);
    if (remembered !== undefined) return this.admit(policy, request, remembered);
    if (!TOKEN.test(token)) throw new UnauthenticatedError('invalid');
    return this.authenticator
      .authenticate(token)
      .then((principal) => this.admit(policy, request, principal));
  }

  private admit(
    policy: Extract<RoutePolicy, { kind: 'roles' }>,
    request: AuthenticatedRequest,
    principal: Principal | null,
  ): boolean {
    if (principal === null) throw new UnauthenticatedError('invalid');
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
}

/**
 * What follows `Bearer ` in the Authorization header (checked against TOKEN before it is
 * verified). @throws UnauthenticatedError when there is no header or another scheme.
 */
function bearerOf(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (header === undefined || header === '') throw new UnauthenticatedError('missing');
  if (!header.startsWith(BEARER)) throw new UnauthenticatedError('invalid');
  return header.slice(BEARER.length);
}
