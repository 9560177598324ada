import { silentLogger } from '@maas/logging';
import { createMetricsRegistry } from '@maas/metrics';
import type { DeploymentScale, ScaleEvent } from './kube-scale';
import { scalerMetrics } from './metrics';
import { compilePoolPolicy } from './policy';
import type { PoolQueueSample } from './queue-signals';
import { ScalerLoop, type QueueSignalSource, type ScaleTarget } from './scaler-loop';

/** An in-memory Deployment; the real API is exercised by test/e2e/scaler*.e2e.test.ts. */
class FakeKube implements ScaleTarget {
  replicas = 0;
  patches: number[] = [];
  events: ScaleEvent[] = [];
  reads = 0;
  failPatch = false;
  async readScale(deployment: string): Promise<DeploymentScale> {
    this.reads++;
    return { deployment, uid: 'u1', specReplicas: this.replicas, statusReplicas: this.replicas };
  }
  async patchReplicas(deployment: string, replicas: number): Promise<DeploymentScale> {
    if (this.failPatch) throw new Error('apiserver down');
    this.patches.push(replicas);
    this.replicas = replicas;
    return this.readScale(deployment);
  }
  async recordEvent(event: ScaleEvent): Promise<void> {
    this.events.push(event);
  }
}

function setup(options: { dryRun?: boolean; leader?: () => boolean } = {}) {
  const kube = new FakeKube();
  let waiting = 0;
  let nowMs = 1_000_000;
  const queue: QueueSignalSource = {
    read: async (): Promise<PoolQueueSample> => ({ nowMs: (nowMs += 1000), waiting, inFlight: 0, oldestWaitingAgeMs: 0, entriesRead: new Map(), streams: 1 }),
  };
  const registry = createMetricsRegistry('maas-scaler');
  const pool = compilePoolPolicy('cpu', { models: ['m'], jobsPerWorkerPerSecond: 1, targetBacklogDrainSeconds: 10, cooldownSeconds: 0, scaleDownStabilizationSeconds: 0 });
  const loop = new ScalerLoop({
    pools: [pool],
    queue,
    kube,
    isLeader: options.leader ?? (() => true),
    dryRun: options.dryRun ?? false,
    intervalMs: 1000,
    metrics: scalerMetrics(registry),
    logger: silentLogger(),
  });
  return { kube, loop, registry, setWaiting: (n: number) => (waiting = n) };
}

describe('ScalerLoop', () => {
  it('patches the scale and records an Event for every change, nothing when nothing changes', async () => {
    const { kube, loop, registry, setWaiting } = setup();
    setWaiting(30);
    await loop.tick();
    await loop.tick();
    setWaiting(0);
    await loop.tick();
    expect(kube.patches).toEqual([3, 0]);
    expect(kube.events.map((e) => e.reason)).toEqual(['ScaledUp', 'ScaledDown']);
    expect(kube.events[0]?.message).toMatch(/^Scaled pool cpu from 0 to 3 replicas: from zero: backlog 30/);
    const text = await registry.metrics();
    expect(text).toMatch(/maas_scaler_decisions_total\{pool="cpu",direction="up"[^}]*\} 1/);
    expect(text).toMatch(/maas_scaler_decisions_total\{pool="cpu",direction="none"[^}]*\} 1/);
    expect(text).toMatch(/maas_scaler_is_leader\{[^}]*\} 1/);
  });

  it('in dry-run mode records what it would do, following its own decisions, and never patches', async () => {
    const { kube, loop, setWaiting } = setup({ dryRun: true });
    setWaiting(30);
    await loop.tick();
    await loop.tick(); // no second "from zero": the dry run remembers it would be at 3 now
    setWaiting(0);
    await loop.tick();
    expect(kube.patches).toEqual([]);
    expect(kube.events.map((e) => e.reason)).toEqual(['WouldScaleUp', 'WouldScaleDown']);
    expect(kube.events[0]?.message).toMatch(/^Dry run: would scale pool cpu from 0 to 3 replicas/);
  });

  it('a standby reads nothing and acts on nothing', async () => {
    const { kube, loop, registry, setWaiting } = setup({ leader: () => false });
    setWaiting(30);
    await loop.tick();
    expect([kube.reads, kube.patches.length, kube.events.length]).toEqual([0, 0, 0]);
    expect(await registry.metrics()).toMatch(/maas_scaler_is_leader\{[^}]*\} 0/);
  });

  it('a leader that becomes a standby drops its per-pool gauges', async () => {
    let leader = true;
    const { loop, registry, setWaiting } = setup({ leader: () => leader });
    setWaiting(30);
    await loop.tick();
    expect(await registry.metrics()).toMatch(/maas_scaler_desired_replicas\{pool="cpu"[^}]*\} 3/);
    leader = false;
    await loop.tick();
    expect(await registry.metrics()).not.toMatch(/maas_scaler_desired_replicas\{pool=/);
  });

  it('does not act when leadership is lost during the tick', async () => {
    let calls = 0;
    const { kube, loop, setWaiting } = setup({ leader: () => ++calls === 1 });
    setWaiting(30);
    await loop.tick();
    expect(kube.patches).toEqual([]);
  });

  it('counts a failed patch and retries it on the next tick', async () => {
    const { kube, loop, registry, setWaiting } = setup();
    setWaiting(30);
    kube.failPatch = true;
    await loop.tick();
    expect(await registry.metrics()).toMatch(/maas_scaler_errors_total\{pool="cpu",stage="patch_scale"[^}]*\} 1/);
    kube.failPatch = false;
    await loop.tick();
    expect(kube.patches).toEqual([3]);
  });
});
