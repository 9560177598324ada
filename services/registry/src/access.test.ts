import { Metadata } from '@grpc/grpc-js';
import { Authenticator, hashApiKey } from '@maas/auth';
import { PermissionDeniedError, UnauthenticatedError } from '@maas/errors';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RegistryAccess } from './access';

const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'maas-access-')), 'keys.json');
fs.writeFileSync(file, JSON.stringify([
  { sha256: hashApiKey('pub-a'), tenant: 'a', roles: ['publish'] },
  { sha256: hashApiKey('infer-a'), tenant: 'a' },
  { sha256: hashApiKey('admin'), tenant: 'ops', roles: ['admin'] },
]));
const owners: Record<string, string> = { 'of-a': 'a', 'of-b': 'b', legacy: '' };
const md = (key: string, actor = '') => {
  const m = new Metadata();
  if (key) m.set('authorization', `Bearer ${key}`);
  if (actor) m.set('x-maas-actor', actor);
  return m;
};

describe('RegistryAccess', () => {
  const on = new RegistryAccess(new Authenticator({ enabled: true, keysFile: file, reloadIntervalMs: 0 }), (m) => owners[m]);
  const off = new RegistryAccess(new Authenticator({ enabled: false, keysFile: '' }), (m) => owners[m]);

  it('names the authenticated identity as the actor and keeps the claim as a note', () => {
    expect(on.caller(md('pub-a', 'mallory')).actor).toEqual({ id: `a/${hashApiKey('pub-a').slice(0, 12)}`, note: 'mallory' });
    expect(off.caller(md('', 'alice')).actor).toEqual({ id: 'alice', note: '' });
    expect(off.caller(md('')).actor).toEqual({ id: 'anonymous', note: '' });
    expect(() => on.caller(md(''))).toThrow(UnauthenticatedError);
  });

  it('lets publishers change their tenant\'s models, admins any, infer keys none', () => {
    expect(() => on.writer(md('pub-a'), 'of-a', 'SetAlias')).not.toThrow();
    expect(() => on.writer(md('pub-a'), 'new-model', 'UploadVersion')).not.toThrow();
    expect(() => on.writer(md('pub-a'), 'of-b', 'SetAlias')).toThrow(/owned by tenant "b"/);
    expect(() => on.writer(md('pub-a'), 'legacy', 'SetAlias')).toThrow(/only admin keys may change it/);
    expect(() => on.writer(md('infer-a'), 'of-a', 'SetAlias')).toThrow(/needs the "publish" role/);
    expect(() => on.writer(md('admin'), 'of-b', 'DeleteModel')).not.toThrow();
    expect(() => off.writer(md(''), 'of-b', 'DeleteModel')).not.toThrow();
  });

  it('gives what a publisher creates to its tenant', () => {
    expect(on.ownerForNewModel(on.caller(md('pub-a')), '')).toBe('a');
    expect(() => on.ownerForNewModel(on.caller(md('pub-a')), 'b')).toThrow(PermissionDeniedError);
    expect(on.ownerForNewModel(on.caller(md('admin')), 'b')).toBe('b');
    expect(on.ownerForNewModel(on.caller(md('admin')), '')).toBe('ops');
    expect(off.ownerForNewModel(off.caller(md('')), 'x')).toBe('x');
  });
});
