import { SetMetadata } from '@nestjs/common';
import { type Role } from './principal';

export const ROUTE_POLICY = 'cvf:route-policy';

/**
 * Who may call a route, declared on the route itself (a route without one fails startup):
 * the roles allowed, or public with the reason it needs no credential. On a route with a
 * `:companyId` parameter a `company` principal reaches only its own company; any other
 * answers 404, exactly as a missing one.
 */
export type RoutePolicy =
  | { readonly kind: 'roles'; readonly roles: readonly Role[] }
  | { readonly kind: 'public'; readonly reason: string };

/**
 * The roles that may call the route (admin may call every route that has a policy). The
 * OpenAPI document shows them as the operation's security and `x-cvf-roles`.
 */
export function Allow(...roles: readonly Role[]): MethodDecorator & ClassDecorator {
  const allowed = [...new Set<Role>([...roles, 'admin'])];
  return SetMetadata(ROUTE_POLICY, { kind: 'roles', roles: allowed } satisfies RoutePolicy);
}

/** No credential: health probes, signed webhooks (the signature is their credential). */
export function Public(reason: string): MethodDecorator & ClassDecorator {
  return SetMetadata(ROUTE_POLICY, { kind: 'public', reason } satisfies RoutePolicy);
}

/** The fund's own roles: everyone but a portfolio company. */
export const FUND_ROLES: readonly Role[] = ['underwriting', 'operations', 'admin'];
