import type { Principal } from '@maas/auth';
import { NotFoundError, PermissionDeniedError } from '@maas/errors';
import type { RegistryModel } from '@maas/protos';
import { TenantIsolation } from './tenant-isolation';

const models: RegistryModel[] = [
  { name: 'model-a', owner_tenant: 'a' },
  { name: 'model-b', owner_tenant: 'b' },
  { name: 'shared', owner_tenant: 'ops' },
].map((m) => ({ ...m, description: '', tags: {}, created_unix_ms: 0, latest_version: 1, versions: [1] }));
let listCalls = 0;
const isolation = new TenantIsolation({
  getModel: async (name) => {
    const m = models.find((x) => x.name === name);
    if (!m) throw new NotFoundError(`model "${name}" not found`);
    return m;
  },
  listModels: async () => {
    listCalls++;
    return models;
  },
});
const key = (tenant: string, list: string[], roles: Principal['roles'] = ['infer']): Principal => ({ tenant, keyId: 'k', models: list, roles, authenticated: true });

describe('TenantIsolation', () => {
  it('hides models a key may not use exactly like unknown ones', async () => {
    const a = key('a', []);
    await expect(isolation.assertVisible(a, 'model-a')).resolves.toBeUndefined();
    await expect(isolation.assertVisible(a, 'model-b')).rejects.toThrow('model "model-b" not found');
    await expect(isolation.assertVisible(a, 'nope')).rejects.toThrow('model "nope" not found');
    expect(await isolation.isVisible(key('b', ['shared']), 'shared')).toBe(true);
    expect(await isolation.isVisible(a, 'shared')).toBe(false);
  });

  it('filters rows, without a registry call for keys allowed everything', async () => {
    const rows = models.map((m) => ({ name: m.name }));
    expect((await isolation.filter(key('b', ['shared']), rows, (r) => r.name)).map((r) => r.name)).toEqual(['model-b', 'shared']);
    const before = listCalls;
    expect(await isolation.filter(key('x', ['*']), rows, (r) => r.name)).toHaveLength(3);
    expect(listCalls).toBe(before);
  });

  it('needs admin for load and unload', () => {
    expect(() => isolation.requireAdmin(key('a', ['*']), 'RepositoryModelLoad')).toThrow(PermissionDeniedError);
    expect(() => isolation.requireAdmin(key('ops', [], ['admin']), 'RepositoryModelLoad')).not.toThrow();
  });
});
