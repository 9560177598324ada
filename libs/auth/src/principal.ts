import { PermissionDeniedError } from '@maas/errors';

/** What a key may do. `infer` is every key's default; `admin` implies the other two. */
export const ROLES = ['infer', 'publish', 'admin'] as const;
/** One role of a key: `infer` (use models), `publish` (registry writes on its tenant's models), `admin` (everything). */
export type Role = (typeof ROLES)[number];

/** A caller as a service knows it after authentication. */
export interface Principal {
  tenant: string;
  /** Key id for logs, audit and rate limiting: the first 12 hex chars of the key's sha256, never the key. */
  keyId: string;
  /** Model names this key may use; "*" = all. */
  models: readonly string[];
  roles: readonly Role[];
  /** False for the anonymous principal of a service with auth off. */
  authenticated: boolean;
  rateLimitPerSecond?: number;
  burst?: number;
}

/** The principal of every caller when auth is off: may do everything, is nobody in particular. */
export const ANONYMOUS: Principal = Object.freeze({ tenant: 'anonymous', keyId: 'anonymous', models: ['*'], roles: ['admin'] as Role[], authenticated: false });

/** Whether the principal holds a role (admin holds every role). */
export function hasRole(principal: Principal, role: Role): boolean {
  return principal.roles.includes('admin') || principal.roles.includes(role);
}

/** Throws PERMISSION_DENIED unless the principal holds `role`; `what` names the refused action. */
export function requireRole(principal: Principal, role: Role, what: string): void {
  if (!hasRole(principal, role)) {
    throw new PermissionDeniedError(`${what} needs the "${role}" role; the key ${principal.keyId} of tenant "${principal.tenant}" has ${principal.roles.join(', ')}`);
  }
}

/** Whether the principal may use (infer with, see) a model: by its key's model list, or its tenant owning it. */
export function mayUseModel(principal: Principal, model: string, ownerTenant: string): boolean {
  if (principal.models.includes('*') || principal.models.includes(model)) return true;
  return ownerTenant !== '' && ownerTenant === principal.tenant;
}

/** Throws PERMISSION_DENIED unless the principal may use the model. */
export function authorizeModel(principal: Principal, model: string, ownerTenant: string): void {
  if (!mayUseModel(principal, model, ownerTenant)) throw new PermissionDeniedError(`tenant "${principal.tenant}" may not use model "${model}"`);
}

/** The authenticated identity as audit logs record it: `<tenant>/<key id>`. */
export function identityOf(principal: Principal): string {
  return `${principal.tenant}/${principal.keyId}`;
}
