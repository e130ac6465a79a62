/**
 * Who is calling (ARCHITECTURE.md "Who may do what"). A principal comes from a verified
 * bearer token only: an API key (stored hashed) or a JWT. Nothing a client sends besides the
 * token can set it.
 */
export const ROLES = ['company', 'underwriting', 'operations', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** The API key id, or the JWT subject. */
  readonly id: string;
  readonly kind: 'api_key' | 'jwt';
  readonly role: Role;
  /** The one company a `company` principal acts for; null for the fund's own roles. */
  readonly companyId: string | null;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** What every event records as its actor: the credential and the role it acted in. */
export function actorOf(principal: Principal): string {
  return `${principal.kind === 'api_key' ? 'key' : 'jwt'}:${principal.id}:${principal.role}`;
}

/** True when the principal may see the company: its own, or any for the fund's roles. */
export function canSee(principal: Principal, companyId: string): boolean {
  return principal.role !== 'company' || principal.companyId === companyId;
}

/**
 * Whether the principal may see the fund's predictions: prediction assumptions, predicted
 * views and the figures computed from them (the LTV estimate). Never a portfolio company:
 * what the fund expects of it is the fund's own view.
 */
export function seesPredictions(principal: Principal): boolean {
  return principal.role !== 'company';
}

/** The prediction-based fields of company metrics, left out for whoever may not see them. */
export function metricsFor<T extends { ltv_estimate: unknown; ltv_scenario: unknown }>(
  principal: Principal,
  metrics: T,
): T | Omit<T, 'ltv_estimate' | 'ltv_scenario'> {
  if (seesPredictions(principal)) return metrics;
  const { ltv_estimate: _estimate, ltv_scenario: _scenario, ...actualOnly } = metrics;
  return actualOnly;
}
