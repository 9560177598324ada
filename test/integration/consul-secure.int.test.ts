/**
 * Consul with ACLs (default deny) over https, as a production agent runs: registration and discovery work
 * with MAAS_CONSUL_TOKEN and the CA of Consul's certificate, and are refused without the token or with a CA
 * that did not sign Consul's certificate.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConsulRegistrar, ConsulWatcher, createConsulClient } from '@maas/discovery';
import { silentLogger } from '@maas/logging';
import { freePort, generateTestCerts, startConsul, startServiceProcess, waitFor, type ConsulHandle, type ManagedProcess, type TestCerts } from '@maas/testing';

jest.setTimeout(90_000);

const TOKEN = 'consul-master-token-for-tests';

describe('Consul over https with an ACL token', () => {
  let consul: ConsulHandle;
  let certs: TestCerts;
  let foreign: TestCerts;
  let registry: ManagedProcess | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-consul-secure-'));

  beforeAll(async () => {
    certs = generateTestCerts(path.join(dir, 'tls'));
    foreign = generateTestCerts(path.join(dir, 'foreign'));
    const pair = { ca: certs.ca, ...(({ cert, key }) => ({ cert, key }))(certs.certOf('maas-registry')) };
    consul = await startConsul({ https: pair, aclMasterToken: TOKEN });
  });
  afterAll(async () => {
    await registry?.kill();
    await consul?.stop();
  });

  it('a service registers and is discovered over https with the token', async () => {
    const port = await freePort();
    registry = await startServiceProcess({
      service: 'registry',
      grpcPort: port,
      env: { MAAS_CONSUL_URL: consul.httpsUrl, MAAS_CONSUL_TOKEN: TOKEN, MAAS_CONSUL_CA_FILE: certs.ca, MAAS_METRICS_PORT: String(await freePort()), MAAS_REGISTRY_ROOT: path.join(dir, 'models') },
    });
    const watcher = new ConsulWatcher({ consulUrl: consul.httpsUrl, consulToken: TOKEN, consulCaFile: certs.ca, service: 'maas-registry', logger: silentLogger() });
    try {
      await waitFor(() => watcher.instances().length === 1, 20_000, 'the registry passing in Consul');
      expect(watcher.instances()[0]!.address).toBe(`127.0.0.1:${port}`);
    } finally {
      watcher.close();
    }
    expect(registry.log()).not.toMatch(/Consul unreachable/);
  });

  it('without the token Consul refuses (ACL); with a CA that did not sign Consul\'s certificate the connection is refused', async () => {
    const anonymous = createConsulClient({ consulUrl: consul.httpsUrl, consulCaFile: certs.ca });
    await expect(anonymous.agent.service.register({ name: 'intruder', id: 'intruder', port: 1 })).rejects.toThrow(/Permission denied|ACL not found|403/i);
    const list = (await anonymous.health.service({ service: 'maas-registry', passing: true } as never)) as unknown[];
    expect(list).toEqual([]);
    anonymous.destroy();
    const wrongCa = createConsulClient({ consulUrl: consul.httpsUrl, consulToken: TOKEN, consulCaFile: foreign.ca });
    // consul@2 hands some transport errors back as the resolved value rather than a rejection: either way, no answer.
    const refused: unknown = await wrongCa.agent.service.list().then((v: unknown) => v, (e: unknown) => e);
    expect(Object.prototype.toString.call(refused)).toBe('[object Error]');
    expect(String(refused)).toMatch(/certificate|self.signed|unable to verify/i);
    wrongCa.destroy();
    const logger = silentLogger();
    const registrar = new ConsulRegistrar({ consulUrl: consul.httpsUrl, consulCaFile: certs.ca, name: 'maas-test', id: 'maas-test-1', address: '127.0.0.1', port: 1, logger });
    await registrar.start();
    expect(registrar.isRegistered()).toBe(false);
    await registrar.deregister();
  });
});
