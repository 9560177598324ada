/**
 * Foundation proof: real Consul dev agent, real service processes (the registry skeleton built by
 * `make build`), discovery through blocking queries, round-robin clients, deregistration, SIGKILL, and a
 * Consul restart.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { Balancer, ConsulWatcher, createConsulClient } from '@maas/discovery';
import { checkHealth } from '@maas/grpc-kit';
import { silentLogger } from '@maas/logging';
import { freePort, startConsul, startServiceProcess, waitFor, type ConsulHandle, type ManagedProcess } from '@maas/testing';

jest.setTimeout(90_000);

describe('service discovery through Consul', () => {
  let consul: ConsulHandle;
  const procs: ManagedProcess[] = [];
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-disc-'));

  const startRegistry = async (): Promise<{ proc: ManagedProcess; port: number }> => {
    const port = await freePort();
    const proc = await startServiceProcess({
      service: 'registry',
      grpcPort: port,
      env: { MAAS_CONSUL_URL: consul.url, MAAS_METRICS_PORT: String(await freePort()), MAAS_REGISTRY_ROOT: path.join(root, String(port)), MAAS_SHUTDOWN_GRACE_MS: '2000' },
    });
    procs.push(proc);
    return { proc, port };
  };

  beforeAll(async () => {
    consul = await startConsul();
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill()));
    await consul?.stop();
  });

  it('registers with a passing gRPC check, is discovered and called, and leaves on stop or death', async () => {
    const a = await startRegistry();
    const b = await startRegistry();
    const watcher = new ConsulWatcher({ consulUrl: consul.url, service: 'maas-registry', logger: silentLogger(), emptyGraceMs: 1000 });
    const HealthClient = grpc.makeGenericClientConstructor({}, 'Health');
    const balancer = new Balancer(watcher, (address) => new HealthClient(address, grpc.credentials.createInsecure()));
    try {
      await watcher.ready();
      const addresses = () => watcher.instances().map((i) => i.address).sort();
      await waitFor(() => addresses().length === 2, 15_000, 'two passing instances');
      expect(addresses()).toEqual([`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`].sort());

      // Round robin hands out both instances, and each answers a real call.
      const picked = new Set([balancer.pickWithAddress().address, balancer.pickWithAddress().address]);
      expect(picked.size).toBe(2);
      for (const address of picked) expect(await checkHealth(address)).toBe('SERVING');

      // Graceful stop deregisters at once (not via a failing check).
      expect(await a.proc.stop()).toBe(0);
      const agent = createConsulClient(consul.url);
      const services = (await agent.agent.service.list()) as Record<string, { Port: number }>;
      expect(Object.values(services).map((s) => s.Port)).not.toContain(a.port);
      await waitFor(() => addresses().length === 1, 10_000, 'a removed from the healthy list');
      expect(a.proc.log()).toContain('deregistered from Consul');

      // SIGKILL: the check turns critical and clients stop routing to it.
      const c = await startRegistry();
      await waitFor(() => addresses().length === 2, 15_000, 'c passing');
      await b.proc.kill();
      await waitFor(async () => {
        const checks = (await agent.health.service({ service: 'maas-registry' })) as Array<{ Service: { Port: number }; Checks: Array<{ Status: string; ServiceID: string }> }>;
        const entry = checks.find((e) => e.Service.Port === b.port);
        return entry?.Checks.some((ch) => ch.ServiceID !== '' && ch.Status === 'critical');
      }, 15_000, "b's check critical");
      await waitFor(() => addresses().length === 1, 10_000, 'b out of routing');
      for (let i = 0; i < 4; i++) expect(balancer.pickWithAddress().address).toBe(`127.0.0.1:${c.port}`);
    } finally {
      balancer.close();
      watcher.close();
    }
  });

  it('registers again at once when the agent drops the registration (its blocking read answers), not after the 60 s wait', async () => {
    const d = await startRegistry();
    const agent = createConsulClient(consul.url);
    const held = async (): Promise<boolean> => Object.values((await agent.agent.service.list()) as Record<string, { Port: number }>).some((s) => s.Port === d.port);
    await waitFor(held, 15_000, 'registered');
    const id = Object.entries((await agent.agent.service.list()) as Record<string, { Port: number }>).find(([, s]) => s.Port === d.port)![0];
    // Let the registrar's read block on the registration's hash, then drop it behind the service's back.
    await new Promise((r) => setTimeout(r, 500));
    const registrations = (): number => d.proc.log().match(/registered in Consul/g)?.length ?? 0;
    expect(registrations()).toBe(1);
    await agent.agent.service.deregister({ id });
    // Not asserted absent afterwards: the registrar may register again before the next request here sees the gap.
    // Far inside MAAS_CONSUL_RESYNC_INTERVAL_MS (60 s): the blocked read returned the change.
    await waitFor(held, 10_000, 'registered again');
    await waitFor(() => registrations() === 2, 5_000, 'the second registration logged');
    // A graceful stop is not held by the read in flight.
    expect(await d.proc.stop()).toBe(0);
    expect(await held()).toBe(false);
  });

  it('survives a Consul restart: clients keep their last view, the service registers again', async () => {
    const d = await startRegistry();
    const watcher = new ConsulWatcher({ consulUrl: consul.url, service: 'maas-registry', logger: silentLogger() });
    try {
      await watcher.ready();
      await waitFor(() => watcher.instances().some((i) => i.address === `127.0.0.1:${d.port}`), 15_000, 'd discovered');
      const before = watcher.instances().map((i) => i.address);

      await consul.process.kill();
      // The registrar's blocking read fails when the agent dies: it sees the outage (and says so) at once.
      await new Promise((r) => setTimeout(r, 3000));
      // Consul is down: the last view is kept and the instance is still callable through it.
      expect(watcher.instances().map((i) => i.address)).toEqual(before);
      expect(await checkHealth(`127.0.0.1:${d.port}`)).toBe('SERVING');

      await consul.restart();
      const agent = createConsulClient(consul.url);
      await waitFor(async () => {
        const services = (await agent.agent.service.list()) as Record<string, { Port: number }>;
        return Object.values(services).some((s) => s.Port === d.port);
      }, 20_000, 'registered again after the restart');
      await waitFor(() => watcher.instances().some((i) => i.address === `127.0.0.1:${d.port}`), 20_000, 'passing again in the new agent');
      expect(d.proc.log()).toContain('Consul unreachable');
    } finally {
      watcher.close();
    }
  });
});
