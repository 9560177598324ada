import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, startConsul, startRedis, startServiceProcess, waitFor, type ConsulHandle, type ManagedProcess, type RedisHandle } from '@maas/testing';
import { createPoolDeployment, deploymentEvents, deploymentReplicas, grantScalerRole, startKube, type KubeHandle } from './scaler-kube-harness';

/**
 * Two scaler processes, one real Consul, one real kube-apiserver: only the lock holder acts (every Event
 * names it); SIGKILL it and the standby takes the lock — the dead leader's session is tied to its gRPC
 * health check, so it goes away within seconds instead of waiting out the session TTL — and scales on.
 */

const NAMESPACE = 'maas';
const DEPLOYMENT = 'maas-worker-cpu';
const STREAM = 'maas:jobs:ocr:1'; // keys.jobs('ocr', 1) of @maas/queue

interface Scaler {
  id: string;
  proc: ManagedProcess;
  metricsPort: number;
}

describe('two scalers with a Consul lock', () => {
  let kube: KubeHandle;
  let consul: ConsulHandle;
  let redisServer: RedisHandle;
  let redis: Redis;
  const scalers: Scaler[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-scaler-leader-'));

  const isLeader = async (s: Scaler): Promise<boolean> => {
    const text = await (await fetch(`http://127.0.0.1:${s.metricsPort}/metrics`)).text();
    return /maas_scaler_is_leader\{[^}]*\} 1\b/.test(text);
  };
  const enqueue = async (n: number): Promise<void> => {
    const multi = redis.multi();
    for (let i = 0; i < n; i++) multi.xadd(STREAM, '*', 'job', `j${i}`);
    await multi.exec();
  };
  const replicas = (): Promise<number> => deploymentReplicas(kube, NAMESPACE, DEPLOYMENT);

  beforeAll(async () => {
    [kube, consul, redisServer] = await Promise.all([startKube(), startConsul(), startRedis()]);
    redis = new Redis(redisServer.url);
    await createPoolDeployment(kube, NAMESPACE, DEPLOYMENT);
    await grantScalerRole(kube, NAMESPACE, [DEPLOYMENT]);
    const policy = path.join(dir, 'policy.json');
    const cpu = { models: ['ocr'], maxReplicas: 10, targetBacklogDrainSeconds: 10, jobsPerWorkerPerSecond: 1, scaleDownStabilizationSeconds: 600, cooldownSeconds: 0 };
    fs.writeFileSync(policy, JSON.stringify({ pools: { cpu } }));
    for (const id of ['scaler-a', 'scaler-b']) {
      const metricsPort = await freePort();
      const proc = await startServiceProcess({
        service: 'scaler',
        grpcPort: await freePort(),
        env: {
          MAAS_INSTANCE_ID: id,
          MAAS_CONSUL_URL: consul.url,
          MAAS_METRICS_PORT: String(metricsPort),
          MAAS_REDIS_URL: redisServer.url,
          MAAS_SCALER_POLICY_FILE: policy,
          MAAS_SCALER_BACKLOG_PORT: '0',
          MAAS_K8S_KUBECONFIG: kube.kubeconfigPath,
          MAAS_K8S_NAMESPACE: NAMESPACE,
          MAAS_SCALER_INTERVAL_MS: '250',
          MAAS_SCALER_STREAM_CACHE_MS: '0',
          MAAS_SCALER_LOCK_DELAY_MS: '500',
          MAAS_SCALER_LEADER_RETRY_MS: '200',
        },
      });
      scalers.push({ id, proc, metricsPort });
    }
  }, 40 * 60_000);

  afterAll(async () => {
    await Promise.allSettled(scalers.map((s) => s.proc.stop()));
    redis?.disconnect();
    await Promise.allSettled([kube?.stop(), consul?.stop(), redisServer?.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('only the leader acts; when it is killed the standby takes over and scales on', async () => {
    await waitFor(async () => (await Promise.all(scalers.map(isLeader))).filter(Boolean).length === 1, 15_000, 'exactly one leader');
    const leaderIndex = (await isLeader(scalers[0]!)) ? 0 : 1;
    const leader = scalers[leaderIndex]!;
    const standby = scalers[1 - leaderIndex]!;

    await enqueue(20);
    await waitFor(async () => (await replicas()) === 2, 10_000, 'replicas 2');
    await new Promise((r) => setTimeout(r, 1000)); // the standby has had four ticks to act, if it would
    expect(await isLeader(standby)).toBe(false);
    const before = await deploymentEvents(kube, NAMESPACE, DEPLOYMENT);
    expect(before.map((e) => [e.reason, e.reportingInstance])).toEqual([['ScaledUp', leader.id]]);

    await leader.proc.kill(); // SIGKILL: no release, no deregistration
    const killedAt = Date.now();
    await enqueue(20); // 40 jobs → 4 workers
    await waitFor(() => isLeader(standby), 20_000, 'standby becomes leader');
    const takeoverMs = Date.now() - killedAt;
    await waitFor(async () => (await replicas()) === 4, 10_000, 'replicas 4 by the new leader');
    const after = await waitFor(async () => {
      const list = await deploymentEvents(kube, NAMESPACE, DEPLOYMENT);
      return list.length >= 2 ? list : undefined; // the Event follows the patch
    }, 5000, 'the new leader\'s Event');
    expect(after.map((e) => [e.reason, e.reportingInstance])).toEqual([
      ['ScaledUp', leader.id],
      ['ScaledUp', standby.id],
    ]);
    // Tied to the health check, the dead leader's session goes within seconds, well under its 10 s TTL.
    expect(takeoverMs).toBeLessThan(10_000);
    process.stdout.write(`scaler takeover after SIGKILL of the leader: ${takeoverMs} ms\n`);

    // A graceful stop exits 0 and frees the lock: leaving Consul removes the health check the session
    // depends on, which invalidates the session and deletes the key (behavior "delete").
    expect(await standby.proc.stop()).toBe(0);
    const lock = await fetch(`${consul.url}/v1/kv/maas/scaler/leader`);
    const held = lock.status === 200 && ((await lock.json()) as Array<{ Session?: string }>)[0]?.Session !== undefined;
    expect(held).toBe(false);
  }, 60_000);
});
