import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '@maas/errors';
import { TlsFiles, type TlsSettings } from './tls';

const script = path.resolve(__dirname, '../../../scripts/tls/gen-dev-certs.sh');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-tls-unit-'));
execFileSync(script, [dir, '--force'], { stdio: 'ignore' });
const f = (name: string) => path.join(dir, name);
const settings = (over: Partial<TlsSettings> = {}): TlsSettings => ({
  tlsCertFile: f('maas-registry.crt'), tlsKeyFile: f('maas-registry.key'), tlsCaFile: f('ca.crt'), tlsClientAuth: 'require', tlsServerName: '', ...over,
});

describe('TlsFiles', () => {
  it('is off without a certificate and key, and refuses half a configuration naming the settings', () => {
    expect(TlsFiles.fromSettings(settings({ tlsCertFile: '', tlsKeyFile: '', tlsClientAuth: 'none' }))).toBeUndefined();
    expect(() => TlsFiles.fromSettings(settings({ tlsKeyFile: '' }))).toThrow(/MAAS_TLS_CERT_FILE and MAAS_TLS_KEY_FILE must be set together/);
    expect(() => TlsFiles.fromSettings(settings({ tlsCaFile: '' }))).toThrow(/MAAS_TLS_CLIENT_AUTH=require needs MAAS_TLS_CA_FILE/);
    expect(() => TlsFiles.fromSettings(settings({ tlsCertFile: '', tlsKeyFile: '' }))).toThrow(ConfigError);
    expect(() => TlsFiles.fromSettings(settings({ tlsCertFile: f('missing.crt') }))).toThrow(/MAAS_TLS_CERT_FILE=.*missing\.crt/);
    // A key that is not the certificate's.
    expect(() => TlsFiles.fromSettings(settings({ tlsKeyFile: f('maas-gateway.key') }))).toThrow(ConfigError);
  });

  it('reloads a changed pair and keeps the old one when the change does not check out', async () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-tls-reload-'));
    for (const name of ['maas-registry.crt', 'maas-registry.key', 'ca.crt']) fs.copyFileSync(f(name), path.join(copy, name));
    const files = TlsFiles.fromSettings(settings({ tlsCertFile: path.join(copy, 'maas-registry.crt'), tlsKeyFile: path.join(copy, 'maas-registry.key'), tlsCaFile: path.join(copy, 'ca.crt') }), undefined, 50)!;
    const seen: Buffer[] = [];
    const stop = files.onChange((m) => seen.push(m.cert));
    try {
      await new Promise((r) => setTimeout(r, 300));
      // Only the certificate changes (its key no longer matches): refused, the old pair stays.
      fs.copyFileSync(f('maas-gateway.crt'), path.join(copy, 'maas-registry.crt'));
      await new Promise((r) => setTimeout(r, 400));
      expect(seen).toHaveLength(0);
      expect(files.current().cert.equals(fs.readFileSync(f('maas-registry.crt')))).toBe(true);
      // Then its key follows: the new pair is taken.
      fs.copyFileSync(f('maas-gateway.key'), path.join(copy, 'maas-registry.key'));
      const deadline = Date.now() + 10_000;
      while (seen.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(seen[0]?.equals(fs.readFileSync(f('maas-gateway.crt')))).toBe(true);
    } finally {
      stop();
      files.close();
    }
  }, 30_000);
});
