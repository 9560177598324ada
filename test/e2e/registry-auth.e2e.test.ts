/**
 * The registry with auth on, as a real process: every write RPC against every kind of caller (no key, an
 * infer key, a publisher of the owning tenant, a publisher of another tenant, an admin), ownership of what a
 * publisher creates, and the audit log recording the authenticated identity, never the claim or the key.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { identityModel } from '@maas/models';
import type { Alias__Output, ListAuditLogResponse__Output, Model__Output, ModelVersion__Output } from '@maas/protos';
import { REPO_ROOT } from '@maas/testing';
import { hashApiKey } from '../support/api-keys';
import { startRegistry, tempDir, upload, type RegistryUnderTest } from './registry-harness';

jest.setTimeout(180_000);

const KEYS = {
  inferA: 'infer-key-of-tenant-a-000001',
  pubA: 'publish-key-of-tenant-a-0002',
  pubB: 'publish-key-of-tenant-b-0003',
  admin: 'admin-key-of-ops-00000000004',
};
type Caller = 'anonymous' | keyof typeof KEYS;
const keyOf = (caller: Caller): string => (caller === 'anonymous' ? '' : KEYS[caller]);
const keyId = (caller: keyof typeof KEYS): string => hashApiKey(KEYS[caller]).slice(0, 12);

describe('registry authentication, roles and audit identity', () => {
  let registry: RegistryUnderTest;
  let root: string;
  const model = Buffer.from(identityModel());

  const call = <Res>(caller: Caller, method: Parameters<RegistryUnderTest['call']>[0], request: object, actor = 'mallory'): Promise<Res> =>
    registry.call<object, Res>(method, request, actor, keyOf(caller));
  const push = (caller: Caller, name: string, extra: object = {}): Promise<ModelVersion__Output> =>
    upload(registry.client, model, { model: name, create_model: true, ...extra }, { apiKey: keyOf(caller), actor: 'mallory' });
  const codeOf = async (p: Promise<unknown>): Promise<number> => {
    try {
      await p;
      return grpc.status.OK;
    } catch (err) {
      return (err as grpc.ServiceError).code;
    }
  };

  beforeAll(async () => {
    const dir = tempDir('registry-auth');
    root = path.join(dir, 'models');
    const keysFile = path.join(dir, 'keys.json');
    fs.writeFileSync(keysFile, JSON.stringify([
      { sha256: hashApiKey(KEYS.inferA), tenant: 'a' },
      { sha256: hashApiKey(KEYS.pubA), tenant: 'a', roles: ['publish'] },
      { sha256: hashApiKey(KEYS.pubB), tenant: 'b', roles: ['publish'] },
      { sha256: hashApiKey(KEYS.admin), tenant: 'ops', roles: ['admin'] },
    ]));
    registry = await startRegistry(root, { MAAS_AUTH_ENABLED: 'true', MAAS_AUTH_KEYS_FILE: keysFile });
    // The model every write below targets: owned by tenant a, two versions, production moved once (so it can roll back).
    await push('pubA', 'model-a');
    await push('pubA', 'model-a');
    await call('pubA', 'SetAlias', { model: 'model-a', name: 'production', targets: [{ version: 1 }] });
    await call('pubA', 'SetAlias', { model: 'model-a', name: 'production', targets: [{ version: 2 }] });
    await call('pubA', 'SetAlias', { model: 'model-a', name: 'staging', targets: [{ version: 1 }] });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  /** Every write RPC, as a call on model-a that would change it. */
  const writes: Array<[string, (caller: Caller) => Promise<unknown>]> = [
    ['CreateModel', (c) => call(c, 'CreateModel', { name: 'model-a-new', owner_tenant: 'a' })],
    ['UploadVersion', (c) => push(c, 'model-a')],
    ['UpdateVersionConfig', (c) => call(c, 'UpdateVersionConfig', { model: 'model-a', version: 1, config: { labels: ['x'] } })],
    ['SetAlias', (c) => call(c, 'SetAlias', { model: 'model-a', name: 'canary', targets: [{ version: 1 }] })],
    ['RollbackAlias', (c) => call(c, 'RollbackAlias', { model: 'model-a', name: 'production' })],
    ['DeleteAlias', (c) => call(c, 'DeleteAlias', { model: 'model-a', name: 'staging' })],
    ['DeleteVersion', (c) => call(c, 'DeleteVersion', { model: 'model-a', version: 1 })],
    ['DeleteModel', (c) => call(c, 'DeleteModel', { name: 'model-a', force: true })],
  ];

  it.each(writes)('%s: no key is UNAUTHENTICATED; an infer key and another tenant\'s publisher are PERMISSION_DENIED; nothing changes', async (_rpc, write) => {
    const state = async () => [await call('admin', 'ListVersions', { model: 'model-a' }), await call('admin', 'ListAliases', { model: 'model-a' })];
    const before = await state();
    expect(await codeOf(write('anonymous'))).toBe(grpc.status.UNAUTHENTICATED);
    expect(await codeOf(write('inferA'))).toBe(grpc.status.PERMISSION_DENIED);
    // CreateModel of a new name is not another tenant's model: a publisher of b may create it, but not for tenant a.
    expect(await codeOf(write('pubB'))).toBe(grpc.status.PERMISSION_DENIED);
    expect(await state()).toEqual(before);
  });

  it('a publisher of the owning tenant and an admin may do every write', async () => {
    for (const caller of ['pubA', 'admin'] as const) {
      const name = `owned-by-a-${caller.toLowerCase()}`;
      // Set up a model of tenant a (the admin names the tenant), then run every write on it.
      await call('admin', 'CreateModel', { name, owner_tenant: 'a' });
      const v1 = await upload(registry.client, model, { model: name }, { apiKey: keyOf(caller) });
      const v2 = await upload(registry.client, model, { model: name }, { apiKey: keyOf(caller) });
      await call(caller, 'UpdateVersionConfig', { model: name, version: v1.version, config: { labels: ['x'] } });
      await call(caller, 'SetAlias', { model: name, name: 'production', targets: [{ version: v1.version }] });
      await call(caller, 'SetAlias', { model: name, name: 'production', targets: [{ version: v2.version }] });
      const rolled = await call<Alias__Output>(caller, 'RollbackAlias', { model: name, name: 'production' });
      expect(rolled.targets).toEqual([{ version: v1.version, weight: 100 }]);
      await call(caller, 'DeleteAlias', { model: name, name: 'production' });
      await call(caller, 'DeleteVersion', { model: name, version: v2.version });
      await call(caller, 'DeleteModel', { name, force: true });
      expect(await codeOf(call('admin', 'GetModel', { name }))).toBe(grpc.status.NOT_FOUND);
    }
  });

  it('what a publisher creates is its tenant\'s; it cannot create for another tenant; an admin can', async () => {
    const created = await push('pubB', 'model-b');
    expect(created.version).toBe(1);
    expect((await call<Model__Output>('inferA', 'GetModel', { name: 'model-b' })).owner_tenant).toBe('b');
    expect(await codeOf(call('pubB', 'CreateModel', { name: 'model-b2', owner_tenant: 'a' }))).toBe(grpc.status.PERMISSION_DENIED);
    expect(await codeOf(push('pubB', 'model-b3', { owner_tenant: 'a' }))).toBe(grpc.status.PERMISSION_DENIED);
    expect((await call<Model__Output>('pubB', 'CreateModel', { name: 'model-b4' })).owner_tenant).toBe('b');
    expect((await call<Model__Output>('admin', 'CreateModel', { name: 'model-c', owner_tenant: 'c' })).owner_tenant).toBe('c');
    // Tenant a's publisher may not touch tenant b's model.
    expect(await codeOf(push('pubA', 'model-b'))).toBe(grpc.status.PERMISSION_DENIED);
    expect(await codeOf(call('pubA', 'DeleteModel', { name: 'model-b', force: true }))).toBe(grpc.status.PERMISSION_DENIED);
  });

  it('reads need a key (any role) and refuse unknown keys', async () => {
    expect(await codeOf(call('anonymous', 'ListModels', {}))).toBe(grpc.status.UNAUTHENTICATED);
    expect(await codeOf(registry.call('GetModel', { name: 'model-a' }, 'x', 'not-a-key'))).toBe(grpc.status.UNAUTHENTICATED);
    expect((await call<{ models: Model__Output[] }>('inferA', 'ListModels', {})).models.map((m) => m.name)).toContain('model-a');
    expect(await codeOf(call('inferA', 'Resolve', { model: 'model-a' }))).toBe(grpc.status.OK);
  });

  it('the CLI sends --api-key / MAAS_API_KEY on every command; without one it prints the refusal', () => {
    const model = path.join(root, '..', 'cli.onnx');
    fs.writeFileSync(model, Buffer.from(identityModel()));
    const maas = (env: Record<string, string>, ...args: string[]) =>
      spawnSync(process.execPath, [path.join(REPO_ROOT, 'services/cli/dist/main.js'), ...args], { encoding: 'utf8', env: { ...process.env, MAAS_REGISTRY_ADDRESS: registry.address, MAAS_ACTOR: 'cli-user', ...env } });
    const pushed = maas({}, 'models', 'push', model, '--name', 'cli-model', '--api-key', KEYS.pubB);
    expect(pushed.stdout).toMatch(/^pushed cli-model v1/);
    expect(maas({ MAAS_API_KEY: KEYS.inferA }, 'models', 'ls').stdout).toMatch(/\ncli-model\s+v1\s+1\s+b\s/);
    const denied = maas({ MAAS_API_KEY: KEYS.inferA }, 'models', 'rm', 'cli-model');
    expect(denied.status).toBe(1);
    expect(denied.stderr).toMatch(/needs the "publish" role.*\(PERMISSION_DENIED\)/);
    const anonymous = maas({}, 'models', 'ls');
    expect(anonymous.stderr).toMatch(/missing API key.*\(UNAUTHENTICATED\)/);
    const audit = maas({ MAAS_API_KEY: KEYS.admin }, 'models', 'audit', 'cli-model');
    expect(audit.stdout).toContain(`b/${keyId('pubB')} (as cli-user)`);
  });

  it('the audit log records the authenticated identity, the claim only as a note, and never the key', async () => {
    const { entries } = await call<ListAuditLogResponse__Output>('admin', 'ListAuditLog', { model: 'model-a', limit: 50 });
    expect(entries.length).toBeGreaterThanOrEqual(5);
    for (const e of entries) {
      expect(e.actor).toBe(`a/${keyId('pubA')}`);
      expect(e.actor_note).toBe('mallory');
    }
    const onDisk = fs.readFileSync(path.join(root, 'events.jsonl'), 'utf8');
    for (const secret of Object.values(KEYS)) expect(onDisk).not.toContain(secret);
    expect(onDisk).not.toContain('"actor":"mallory"');
    const alias = await call<Alias__Output>('admin', 'GetAlias', { model: 'model-a', name: 'production' });
    expect(alias.history[0]?.actor).toBe(`a/${keyId('pubA')}`);
  });
});
