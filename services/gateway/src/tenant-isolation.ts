import { mayUseModel, requireRole, type Principal } from '@maas/auth';
import { NotFoundError } from '@maas/errors';
import type { RegistryModel } from '@maas/protos';

/** What isolation needs to know about models: their owner tenants, from the registry. */
export interface ModelOwners {
  getModel(name: string): Promise<RegistryModel>;
  listModels(): Promise<RegistryModel[]>;
}

/** The answer for a model a key may not use: the same as for one that does not exist, so nothing leaks. */
export function hiddenModel(model: string): NotFoundError {
  return new NotFoundError(`model ${JSON.stringify(model)} not found`);
}

/**
 * Tenant isolation for the gateway's read and repository RPCs (gRPC and HTTP alike): a key sees only the
 * models it may use (its key's model list, or models its tenant owns); every other model answers as if it did
 * not exist. Loading and unloading need the admin role. A key allowed every model ("*") costs no registry call.
 */
export class TenantIsolation {
  constructor(private readonly owners: ModelOwners) {}

  /** Throws NOT_FOUND (as for an unknown model) unless the principal may use the model. */
  async assertVisible(principal: Principal, model: string): Promise<void> {
    if (mayUseModel(principal, model, '')) return;
    const info = await this.owners.getModel(model);
    if (!mayUseModel(principal, model, info.owner_tenant)) throw hiddenModel(model);
  }

  /** Whether the principal may see the model (false for unknown models too). */
  async isVisible(principal: Principal, model: string): Promise<boolean> {
    try {
      await this.assertVisible(principal, model);
      return true;
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      throw err;
    }
  }

  /** Keeps the rows (RepositoryIndex, ModelStatistics) of models the principal may use. */
  async filter<T>(principal: Principal, rows: readonly T[], modelOf: (row: T) => string): Promise<T[]> {
    if (principal.models.includes('*')) return [...rows];
    const owners = new Map((await this.owners.listModels()).map((m) => [m.name, m.owner_tenant]));
    return rows.filter((row) => {
      const model = modelOf(row);
      return mayUseModel(principal, model, owners.get(model) ?? '');
    });
  }

  /** RepositoryModelLoad / RepositoryModelUnload: admin keys only. */
  requireAdmin(principal: Principal, rpc: string): void {
    requireRole(principal, 'admin', rpc);
  }
}
