import type { Metadata } from '@grpc/grpc-js';
import { hasRole, identityOf, metadataLookup, requireRole, type Authenticator, type Principal } from '@maas/auth';
import { PermissionDeniedError } from '@maas/errors';
import { claimedActor, type Actor } from './actor';

/** An authenticated caller of the registry and the actor its changes are recorded under. */
export interface Caller {
  principal: Principal;
  actor: Actor;
}

/** Owner tenants of existing models (undefined: no such model). */
export type OwnerLookup = (model: string) => string | undefined;

/**
 * Who may do what in the registry. Every RPC needs a valid key when auth is on (UNAUTHENTICATED otherwise);
 * reads need no particular role; writes need `publish` on a model the key's tenant owns, or `admin` for any
 * model. A model created by a publisher is owned by the publisher's tenant. With auth off every caller is
 * allowed everything and the audit log keeps what the caller claims to be.
 */
export class RegistryAccess {
  constructor(
    private readonly auth: Authenticator,
    private readonly ownerOf: OwnerLookup,
  ) {}

  /** Authenticates a call (any role) and names its actor. */
  caller(metadata: Metadata): Caller {
    const principal = this.auth.authenticate(metadataLookup(metadata));
    const claim = claimedActor(metadata);
    const actor = principal.authenticated ? { id: identityOf(principal), note: claim } : { id: claim === '' ? 'anonymous' : claim, note: '' };
    return { principal, actor };
  }

  /** A change to an existing model: `publish` and the model's tenant, or `admin`. NOT_FOUND for unknown models passes through the repository. */
  writer(metadata: Metadata, model: string, rpc: string): Caller {
    const caller = this.caller(metadata);
    this.checkWrite(caller, model, rpc);
    return caller;
  }

  /** Throws PERMISSION_DENIED unless the caller may change `model` (a model that does not exist yet: publish is enough). */
  checkWrite(caller: Caller, model: string, rpc: string): void {
    const p = caller.principal;
    requireRole(p, 'publish', rpc);
    if (hasRole(p, 'admin')) return;
    const owner = this.ownerOf(model);
    if (owner === undefined || owner === p.tenant) return;
    throw new PermissionDeniedError(
      `${rpc}: model ${JSON.stringify(model)} is owned by ${owner === '' ? 'no tenant (only admin keys may change it)' : `tenant "${owner}"`}; the key ${p.keyId} publishes for tenant "${p.tenant}"`,
    );
  }

  /**
   * The owner tenant of a model the caller creates: a publisher's own tenant (asking for another one is
   * PERMISSION_DENIED); an admin's choice, else the admin's tenant; with auth off, what was asked.
   */
  ownerForNewModel(caller: Caller, requested: string): string {
    const p = caller.principal;
    if (!p.authenticated) return requested;
    if (hasRole(p, 'admin')) return requested === '' ? p.tenant : requested;
    if (requested !== '' && requested !== p.tenant) {
      throw new PermissionDeniedError(`owner_tenant "${requested}": the key ${p.keyId} may only create models for its own tenant "${p.tenant}"`);
    }
    return p.tenant;
  }
}
