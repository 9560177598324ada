import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, startRedis, startServiceProcess, waitFor, type ManagedProcess, type RedisHandle } from '@maas/testing';
import { createPoolDeployment, deploymentEvents, deploymentReplicas, grantScalerRole, startKube, type KubeHandle } from './scaler-kube-harness';

/**
 * The scaler as a real process against a real kube-apiserver (+ etcd) and a real Redis: a backlog in
 * a model's jobs stream raises the pool Deployment's replicas; when it drains they come down only after
 * the scale-down window; every change is an Event on the Deployment and a metric. The scaler runs as
 * a user holding only the chart's Role (RBAC): get/patch deployments/scale of its pools, create Events.
 * A second scaler in
 * dry-run mode on another Deployment decides the same way and records Events but never patches.
 *
 * Jobs are written the way the queue lays them out (keys.jobs(model, version) = maas:jobs:<model>:<version>,
 * group "workers"); the scaler reads only stream lengths and group counters, never job bodies.
 */

const NAMESPACE = 'maas';
const STREAM = 'maas:jobs:ocr:1';
const DOWN_WINDOW_SECONDS = 3;

/** Takes up to `count` jobs as a worker would and answers them at once (read, ack, delete in one step). */
const TAKE_AND_FINISH_LUA = `
local r = redis.call('XREADGROUP', 'GROUP', 'workers', 'test-worker', 'COUNT', ARGV[1], 'STREAMS', KEYS[1], '>')
local n = 0
if r then
  for _, e in ipairs(r[1][2]) do
    redis.call('XACK', KEYS[1], 'workers', e[1]); redis.call('XDEL', KEYS[1], e[1]); n = n + 1
  end
end
return n`;

describe('scaler against a real Kubernetes API server', () => {
  let kube: KubeHandle;
  let redisServer: RedisHandle;
  let redis: Redis;
  let scaler: ManagedProcess;
  let dryRun: ManagedProcess;
  let metricsPort: number;
  let dryRunMetricsPort: number;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-scaler-e2e-'));

  const policyFile = (name: string, pool: string, deployment: string): string => {
    const file = path.join(dir, name);
    const policy = {
      models: ['ocr'],
      deployment,
      minReplicas: 0,
      maxReplicas: 6,
      targetBacklogDrainSeconds: 10,
      jobsPerWorkerPerSecond: 1,
      maxQueueWaitMs: 0,
      scaleUpStabilizationSeconds: 0,
      scaleDownStabilizationSeconds: DOWN_WINDOW_SECONDS,
      cooldownSeconds: 1,
    };
    fs.writeFileSync(file, JSON.stringify({ pools: { [pool]: policy } }));
    return file;
  };

  const startScaler = async (policy: string, extra: Record<string, string>): Promise<{ proc: ManagedProcess; metricsPort: number }> => {
    const port = await freePort();
    const proc = await startServiceProcess({
      service: 'scaler',
      grpcPort: await freePort(),
      env: {
        MAAS_DISCOVERY: 'static',
        MAAS_METRICS_PORT: String(port),
        MAAS_REDIS_URL: redisServer.url,
        MAAS_SCALER_POLICY_FILE: policy,
        MAAS_SCALER_BACKLOG_PORT: '0',
        MAAS_K8S_KUBECONFIG: kube.kubeconfigPath,
        MAAS_K8S_NAMESPACE: NAMESPACE,
        MAAS_SCALER_INTERVAL_MS: '250',
        MAAS_SCALER_STREAM_CACHE_MS: '0',
        ...extra,
      },
    });
    return { proc, metricsPort: port };
  };

  const enqueue = async (n: number): Promise<void> => {
    const multi = redis.multi();
    for (let i = 0; i < n; i++) multi.xadd(STREAM, '*', 'job', `j${i}`);
    await multi.exec();
  };
  const replicas = (name = 'maas-worker-cpu'): Promise<number> => deploymentReplicas(kube, NAMESPACE, name);
  const metrics = async (port = metricsPort): Promise<string> => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  /** True once the scaler finished a tick for the pool (its first decision, "none" on an empty queue). */
  const decided = async (port: number, pool: string): Promise<boolean> =>
    new RegExp(`maas_scaler_decisions_total\\{pool="${pool}",direction="none"`).test(await metrics(port));

  beforeAll(async () => {
    // The first run ever builds kube-apiserver (scripts/tools/ensure-kube.sh); later runs start in seconds.
    [kube, redisServer] = await Promise.all([startKube(), startRedis()]);
    redis = new Redis(redisServer.url);
    await redis.xgroup('CREATE', STREAM, 'workers', '$', 'MKSTREAM');
    await createPoolDeployment(kube, NAMESPACE, 'maas-worker-cpu');
    await createPoolDeployment(kube, NAMESPACE, 'maas-worker-dry');
    // Only what the chart's Role grants; the unmanaged Deployment proves the scaler cannot touch others.
    await createPoolDeployment(kube, NAMESPACE, 'maas-worker-other');
    await grantScalerRole(kube, NAMESPACE, ['maas-worker-cpu', 'maas-worker-dry']);
    ({ proc: scaler, metricsPort } = await startScaler(policyFile('policy.json', 'cpu', 'maas-worker-cpu'), {}));
    ({ proc: dryRun, metricsPort: dryRunMetricsPort } = await startScaler(policyFile('dry.json', 'dry', 'maas-worker-dry'), { MAAS_SCALER_DRY_RUN: 'true' }));
    // Both have looked at the empty queue once, so both see the backlog arrive in the same steps.
    await waitFor(async () => (await decided(metricsPort, 'cpu')) && (await decided(dryRunMetricsPort, 'dry')), 10_000, 'first ticks');
  }, 40 * 60_000);

  afterAll(async () => {
    await Promise.allSettled([scaler?.stop(), dryRun?.stop()]);
    redis?.disconnect();
    await Promise.allSettled([kube?.stop(), redisServer?.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('raises replicas as the backlog grows, lowers them only after the window once it drains, and records every change', async () => {
    expect(await replicas()).toBe(0);
    await enqueue(30); // 30 jobs / (1 job/s per worker × 10 s) = 3 workers
    // The dry-run scaler ticks on its own clock: each step waits for both, so both see the same steps.
    const dryEvents = async (): Promise<number> => (await deploymentEvents(kube, NAMESPACE, 'maas-worker-dry')).length;
    await waitFor(async () => (await replicas()) === 3 && (await dryEvents()) === 1, 10_000, 'replicas 3 (and the dry run would)');
    await enqueue(20); // 50 jobs → 5 workers
    await waitFor(async () => (await replicas()) === 5 && (await dryEvents()) === 2, 10_000, 'replicas 5 (and the dry run would)');

    // Taken before the call: the scaler may see the empty queue before Redis's answer reaches this test.
    const drainedAt = Date.now();
    expect(await redis.eval(TAKE_AND_FINISH_LUA, 1, STREAM, 100)).toBe(50);
    await new Promise((r) => setTimeout(r, (DOWN_WINDOW_SECONDS - 1) * 1000));
    expect(await replicas()).toBe(5); // still inside the scale-down window
    await waitFor(async () => (await replicas()) === 0, 10_000, 'replicas 0 (scaled to zero)');
    expect(Date.now() - drainedAt).toBeGreaterThanOrEqual((DOWN_WINDOW_SECONDS - 0.5) * 1000);

    // The Event follows the patch.
    const events = await waitFor(async () => {
      const list = await deploymentEvents(kube, NAMESPACE, 'maas-worker-cpu');
      return list.length >= 3 ? list : undefined;
    }, 5000, 'three Events');
    expect(events.map((e) => e.reason)).toEqual(['ScaledUp', 'ScaledUp', 'ScaledDown']);
    expect(events[0]?.message).toMatch(/^Scaled pool cpu from 0 to 3 replicas: from zero: backlog 30/);
    expect(events[2]?.message).toMatch(/^Scaled pool cpu from 5 to 0 replicas: idle/);
    expect(events.every((e) => e.involvedObject.kind === 'Deployment' && e.involvedObject.uid)).toBe(true);

    const text = await metrics();
    expect(text).toMatch(/maas_scaler_decisions_total\{pool="cpu",direction="up"[^}]*\} 2\b/);
    expect(text).toMatch(/maas_scaler_decisions_total\{pool="cpu",direction="down"[^}]*\} 1\b/);
    expect(text).toMatch(/maas_scaler_current_replicas\{pool="cpu"[^}]*\} 0\b/);
    expect(text).toMatch(/maas_scaler_backlog\{pool="cpu"[^}]*\} 0\b/);
    expect(text).toMatch(/maas_scaler_is_leader\{[^}]*\} 1\b/);
  }, 60_000);

  it('a pool whose Deployment the Role does not name fails visibly (forbidden) and is not scaled', async () => {
    const other = await startScaler(policyFile('other.json', 'other', 'maas-worker-other'), {});
    try {
      await waitFor(async () => /maas_scaler_errors_total\{pool="other",stage="read_scale"[^}]*\} [1-9]/.test(await metrics(other.metricsPort)), 10_000, 'read_scale errors');
      expect(other.proc.log()).toMatch(/HTTP 403/);
      expect(await replicas('maas-worker-other')).toBe(0);
    } finally {
      await other.proc.stop();
    }
  });

  it('in dry-run mode decided and recorded the same changes but never patched its Deployment', async () => {
    expect(await replicas('maas-worker-dry')).toBe(0);
    const events = await waitFor(async () => {
      const list = await deploymentEvents(kube, NAMESPACE, 'maas-worker-dry');
      return list.length >= 3 ? list : undefined;
    }, 5000, 'three dry-run Events');
    expect(events.map((e) => e.reason)).toEqual(['WouldScaleUp', 'WouldScaleUp', 'WouldScaleDown']);
    expect(events[0]?.message).toMatch(/^Dry run: would scale pool dry from 0 to 3 replicas/);
    expect(dryRun.log()).toMatch(/scaler decision \(dry run, not applied\)/);
  });
});
