import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, PermissionDeniedError, UnauthenticatedError } from '@maas/errors';
import { ANONYMOUS, Authenticator, hashApiKey, hasRole, identityOf, mayUseModel, requireRole } from './index';

const headers = (h: Record<string, string>) => (name: string) => h[name];

function keysFile(entries: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-keys-'));
  const file = path.join(dir, 'keys.json');
  fs.writeFileSync(file, JSON.stringify(entries));
  return file;
}

describe('Authenticator', () => {
  it('is anonymous (and may do everything) when off', () => {
    const auth = new Authenticator({ enabled: false, keysFile: '' });
    expect(auth.authenticate(headers({}))).toBe(ANONYMOUS);
    expect(hasRole(ANONYMOUS, 'admin')).toBe(true);
  });

  it('reads roles, defaulting to infer, and never keeps the key', () => {
    const file = keysFile([
      { sha256: hashApiKey('k-infer'), tenant: 'a' },
      { sha256: hashApiKey('k-pub'), tenant: 'a', roles: ['publish'], models: ['m1'] },
      { sha256: hashApiKey('k-admin'), tenant: 'ops', roles: ['admin'] },
    ]);
    const auth = new Authenticator({ enabled: true, keysFile: file, reloadIntervalMs: 0 });
    const infer = auth.authenticate(headers({ authorization: 'Bearer k-infer' }));
    expect(infer).toMatchObject({ tenant: 'a', roles: ['infer'], models: ['*'], authenticated: true, keyId: hashApiKey('k-infer').slice(0, 12) });
    expect(JSON.stringify(infer)).not.toContain('k-infer');
    expect(identityOf(infer)).toBe(`a/${hashApiKey('k-infer').slice(0, 12)}`);
    const pub = auth.authenticate(headers({ 'x-api-key': 'k-pub' }));
    expect(hasRole(pub, 'publish')).toBe(true);
    expect(hasRole(pub, 'admin')).toBe(false);
    expect(() => requireRole(pub, 'admin', 'RepositoryModelLoad')).toThrow(PermissionDeniedError);
    expect(hasRole(auth.authenticate(headers({ 'x-api-key': 'k-admin' })), 'publish')).toBe(true);
    expect(() => auth.authenticate(headers({}))).toThrow(UnauthenticatedError);
    expect(() => auth.authenticate(headers({ authorization: 'Bearer nope' }))).toThrow(/unknown API key/);
  });

  it('refuses a bad file naming the entry and what was expected', () => {
    expect(() => new Authenticator({ enabled: true, keysFile: '' })).toThrow(ConfigError);
    expect(() => new Authenticator({ enabled: true, keysFile: keysFile([{ sha256: hashApiKey('x'), tenant: 'a', roles: ['root'] }]) })).toThrow(
      /entry 0: "roles" must be a non-empty list of infer, publish, admin/,
    );
    expect(() => new Authenticator({ enabled: true, keysFile: keysFile([{ sha256: 'abc', tenant: 'a' }]) })).toThrow(/entry 0 needs "sha256"/);
    expect(() => new Authenticator({ enabled: true, keysFile: keysFile({}) })).toThrow(/expected a JSON array/);
  });

  it('picks up a changed keys file, and keeps the old keys when the new file is broken', async () => {
    const file = keysFile([{ sha256: hashApiKey('old'), tenant: 'a' }]);
    const auth = new Authenticator({ enabled: true, keysFile: file, reloadIntervalMs: 50 });
    try {
      await new Promise((r) => setTimeout(r, 300)); // the watcher's first look at the file
      fs.writeFileSync(file, JSON.stringify([{ sha256: hashApiKey('new'), tenant: 'a' }, { sha256: hashApiKey('newer'), tenant: 'b' }]));
      const deadline = Date.now() + 10_000;
      while (auth.size !== 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(auth.authenticate(headers({ 'x-api-key': 'new' })).tenant).toBe('a');
      expect(() => auth.authenticate(headers({ 'x-api-key': 'old' }))).toThrow(UnauthenticatedError);
      fs.writeFileSync(file, '{broken');
      await new Promise((r) => setTimeout(r, 400));
      expect(auth.authenticate(headers({ 'x-api-key': 'newer' })).tenant).toBe('b');
    } finally {
      auth.close();
    }
  }, 30_000);

  it('lets a key use a model by its list or its tenant owning it', () => {
    const p = { tenant: 'a', keyId: 'k', models: ['m1'], roles: ['infer'] as const, authenticated: true };
    expect(mayUseModel(p, 'm1', 'b')).toBe(true);
    expect(mayUseModel(p, 'm2', 'a')).toBe(true);
    expect(mayUseModel(p, 'm2', 'b')).toBe(false);
    expect(mayUseModel(p, 'm2', '')).toBe(false);
  });
});
