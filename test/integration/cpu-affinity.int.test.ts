/**
 * MAAS_CPU_AFFINITY on real processes: util-linux taskset pins every thread, a service started with it runs
 * only there, and a CPU the process may not use stops the service at start with a message naming the setting.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '@maas/errors';
import { allowedCpus, pinToCpus } from '@maas/runtime';
import { freePort, REPO_ROOT, startProcess, startServiceProcess, waitFor, type ManagedProcess } from '@maas/testing';

jest.setTimeout(60_000);

const usable = allowedCpus();
const last = usable[usable.length - 1]!;

/** The allowed CPUs of every thread of a process. */
function threadCpus(pid: number): string[] {
  return fs.readdirSync(`/proc/${pid}/task`).map((tid) => /^Cpus_allowed_list:\s*(\S+)/m.exec(fs.readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8'))![1]!);
}

describe('pinToCpus (real taskset, a real process)', () => {
  async function withChild(test: (pid: number) => void): Promise<void> {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      test(child.pid!);
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
  }

  it('pins a process to the CPUs asked for, says which it now has, and can give them all back', async () => {
    await withChild((pid) => {
      expect(pinToCpus(String(last), pid)).toEqual([last]);
      expect(allowedCpus(pid)).toEqual([last]);
      expect(pinToCpus(usable.join(','), pid)).toEqual(usable);
    });
  });

  it('refuses, naming the setting, a CPU the machine does not have and a malformed list, and leaves the process as it was', async () => {
    await withChild((pid) => {
      expect(() => pinToCpus('4095', pid)).toThrow(ConfigError);
      expect(() => pinToCpus('4095', pid)).toThrow(/MAAS_CPU_AFFINITY=4095: this machine has no CPU 4095/);
      expect(() => pinToCpus('one', pid)).toThrow(/MAAS_CPU_AFFINITY: 'one' is not a CPU list/);
      expect(allowedCpus(pid)).toEqual(usable);
    });
  });
});

describe('a service started with MAAS_CPU_AFFINITY', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-affinity-'));
  const procs: ManagedProcess[] = [];
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.kill()));
  });

  const env = async (affinity: string): Promise<Record<string, string>> => ({
    MAAS_DISCOVERY: 'static',
    MAAS_METRICS_PORT: String(await freePort()),
    MAAS_REGISTRY_ROOT: path.join(root, affinity),
    MAAS_CPU_AFFINITY: affinity,
  });

  it('runs every one of its threads on those CPUs only, and logs them', async () => {
    const proc = await startServiceProcess({ service: 'registry', grpcPort: await freePort(), env: await env(String(last)) });
    procs.push(proc);
    const threads = threadCpus(proc.child.pid!);
    expect(threads.length).toBeGreaterThan(1);
    expect(new Set(threads)).toEqual(new Set([String(last)]));
    expect(proc.log()).toContain('pinned to CPUs (MAAS_CPU_AFFINITY)');
    expect(await proc.stop()).toBe(0);
  });

  it('does not start on a CPU the machine does not have: it exits non-zero and says why', async () => {
    const proc = startProcess(process.execPath, [path.join(REPO_ROOT, 'services/registry/dist/main.js')], {
      name: 'registry',
      env: { PATH: process.env['PATH'], ...(await env('4095')), MAAS_GRPC_PORT: String(await freePort()) },
    });
    procs.push(proc);
    await waitFor(() => proc.exited(), 20_000, 'the registry exited');
    expect(await proc.stop()).not.toBe(0);
    expect(proc.log()).toMatch(/MAAS_CPU_AFFINITY=4095: this machine has no CPU 4095/);
  });
});
