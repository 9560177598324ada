/**
 * The chart on a real single-node Kubernetes (make cluster-up cluster-deploy): real images, probes,
 * Services, DNS, rollouts and scaling act on real pods. Run by `make cluster-test` inside the cluster's
 * network namespace (.run/cluster/exec), in this order, since each step acts on the one release:
 * inference over gRPC and HTTP with the dev key; `helm test`; the maas scaler waking the "burst" pool
 * from zero on a backlog and scaling it back; a rolling restart of the "cpu" pool under load and a
 * worker pod deleted under load, neither losing a request; the registry pod restarted with its PVC and
 * models intact; the scaler's backlog endpoint (KEDA's metrics-api source) through its Service, and the
 * rendered ScaledObject, HTTPRoute and GRPCRoute accepted by the API server with KEDA's and the Gateway
 * API's real CRDs; `helm upgrade` changing a value; `helm uninstall` leaving nothing of the release.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { callUnary, deadlineIn } from '@maas/grpc-kit';
import type { GRPCInferenceServiceClient, ModelRegistryClient } from '@maas/protos';
import { asFloat32, inferFp32, inferenceClient } from '../support/inference-client';
import { registryClient } from '../support/registry';
import { eventually, getJson, helm, keyMetadata, kubectl, pods, readDeployment, startLoad, type Deployment } from './kube';

jest.setTimeout(600_000);

/** KEDA's and the Gateway API's CRDs, fetched by scripts/cluster/ensure-tools.sh. */
const CRDS_DIR = path.resolve(__dirname, '../../.tools/cluster/crds');

describe('maas on a local Kubernetes cluster', () => {
  let d: Deployment;
  let client: GRPCInferenceServiceClient;
  let ns: string[];
  const sel = (component: string, pool?: string): string =>
    `app.kubernetes.io/instance=${d.release},app.kubernetes.io/component=${component}${pool ? `,maas.dev/pool=${pool}` : ''}`;
  const deploymentReplicas = async (name: string): Promise<{ spec: number; ready: number }> => {
    const dep = await getJson<{ spec: { replicas: number }; status: { readyReplicas?: number } }>(['-n', d.namespace, 'get', 'deployment', name]);
    return { spec: dep.spec.replicas, ready: dep.status.readyReplicas ?? 0 };
  };

  beforeAll(async () => {
    d = readDeployment();
    ns = ['-n', d.namespace];
    client = inferenceClient(`${d.gateway}:8001`);
    // Every model the deploy pushed is loadable before the first assertion (workers load on demand).
    await eventually('mlp answers', 120_000, async () => {
      await inferFp32(client, 'mlp', [{ name: 'x', shape: [1, 4], values: new Float32Array([1, 2, 3, 4]) }], { metadata: keyMetadata(d.apiKey) });
      return true;
    }, (ok) => ok, 2000);
  });
  afterAll(() => client?.close());

  it('answers inference over gRPC with the dev key, and refuses a call without it', async () => {
    const x = new Float32Array([0.5, -1, 2, 0.25, 1, 1, 1, 1]);
    const res = await inferFp32(client, 'mlp', [{ name: 'x', shape: [2, 4], values: x }], { metadata: keyMetadata(d.apiKey) });
    const probabilities = asFloat32(res.outputs[0]!.data);
    expect(res.outputs[0]!.shape.map(Number)).toEqual([2, 3]);
    for (const row of [0, 1]) {
      const sum = probabilities[row * 3]! + probabilities[row * 3 + 1]! + probabilities[row * 3 + 2]!;
      expect(sum).toBeCloseTo(1, 4);
    }
    await expect(inferFp32(client, 'mlp', [{ name: 'x', shape: [1, 4], values: x.subarray(0, 4) }])).rejects.toMatchObject({
      code: grpc.status.UNAUTHENTICATED,
    });
  });

  it('answers inference over HTTP (KServe v2 JSON) with the dev key, 401 without', async () => {
    const body = JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: [0.5, -1, 2, 0.25] }] });
    const url = `http://${d.gateway}:8000/v2/models/mlp/infer`;
    const ok = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${d.apiKey}` } });
    expect(ok.status).toBe(200);
    const json = (await ok.json()) as { outputs: Array<{ name: string; shape: number[]; data: number[] }> };
    expect(json.outputs[0]!.shape).toEqual([1, 3]);
    expect(json.outputs[0]!.data.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    const denied = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(denied.status).toBe(401);
    // The image pipeline (preprocess + worker + in-gateway postprocessing) is served too.
    const meta = await fetch(`http://${d.gateway}:8000/v2/models/ocr-cls`, { headers: { authorization: `Bearer ${d.apiKey}` } });
    expect(meta.status).toBe(200);
  });

  it('passes `helm test` (grpc.health and ServerReady from a pod, through the Service and DNS)', async () => {
    // The pod is deleted once it succeeds (hook-delete-policy), so its phase is what helm reports.
    const out = await helm(['test', d.release, ...ns, '--timeout', '3m']);
    expect(out).toMatch(/TEST SUITE:\s+maas-test-server-ready[\s\S]*Phase:\s+Succeeded/);
  });

  it('wakes the scaler pool from zero on a backlog, serves it with real pods, and scales back to zero', async () => {
    const burst = `${d.release}-worker-burst`;
    await eventually('burst pool idle at 0 replicas', 180_000, () => deploymentReplicas(burst), (r) => r.spec === 0 && r.ready === 0);
    const load = startLoad(client, 'identity', d.apiKey, 16, 120_000);
    let peak = 0;
    try {
      await eventually('burst pool scaled up with a Ready pod', 180_000, async () => {
        const r = await deploymentReplicas(burst);
        peak = Math.max(peak, r.spec);
        return r;
      }, (r) => r.ready >= 1);
      // Keep the backlog a little longer so the scaler can add the second replica.
      await new Promise((r) => setTimeout(r, 10_000));
      peak = Math.max(peak, (await deploymentReplicas(burst)).spec);
    } finally {
      const result = await load.stop();
      expect(result.failures).toEqual([]);
      expect(result.ok).toBeGreaterThan(0);
    }
    expect(peak).toBeGreaterThanOrEqual(1);
    await eventually('burst pool back at 0 replicas with its pods gone', 240_000, async () => ({
      ...(await deploymentReplicas(burst)),
      pods: (await pods(d.namespace, sel('worker', 'burst'))).length,
    }), (r) => r.spec === 0 && r.pods === 0, 2000);
  });

  it('restarts the cpu pool (rolling) under load without losing a request', async () => {
    const before = (await pods(d.namespace, sel('worker', 'cpu'))).map((p) => p.uid);
    const load = startLoad(client, 'mlp', d.apiKey, 4);
    try {
      await new Promise((r) => setTimeout(r, 2000));
      await kubectl([...ns, 'rollout', 'restart', `deployment/${d.release}-worker-cpu`]);
      await kubectl([...ns, 'rollout', 'status', `deployment/${d.release}-worker-cpu`, '--timeout', '300s'], 320_000);
      await new Promise((r) => setTimeout(r, 2000));
    } finally {
      const result = await load.stop();
      expect(result.failures).toEqual([]);
      expect(result.ok).toBeGreaterThan(20);
    }
    const after = (await pods(d.namespace, sel('worker', 'cpu'))).filter((p) => !p.deleting).map((p) => p.uid);
    expect(after.some((uid) => before.includes(uid))).toBe(false);
  });

  it('loses no request when a worker pod is deleted under load', async () => {
    const [victim] = (await pods(d.namespace, sel('worker', 'cpu'))).filter((p) => p.ready && !p.deleting);
    expect(victim).toBeDefined();
    const load = startLoad(client, 'mlp', d.apiKey, 4);
    try {
      await new Promise((r) => setTimeout(r, 2000));
      await kubectl([...ns, 'delete', 'pod', victim!.name, '--wait=true']);
      await eventually('cpu pool back to 2 Ready pods', 180_000, async () => (await pods(d.namespace, sel('worker', 'cpu'))).filter((p) => p.ready && !p.deleting).length, (n) => n === 2);
    } finally {
      const result = await load.stop();
      expect(result.failures).toEqual([]);
      expect(result.ok).toBeGreaterThan(10);
    }
  });

  it('restarts the registry pod with its PVC and models intact', async () => {
    const pvcName = `models-${d.release}-registry-0`;
    const pvcBefore = await getJson<{ metadata: { uid: string } }>([...ns, 'get', 'pvc', pvcName]);
    const [podBefore] = await pods(d.namespace, sel('registry'));
    await kubectl([...ns, 'delete', 'pod', podBefore!.name, '--wait=true']);
    await eventually('registry pod Ready again', 180_000, () => pods(d.namespace, sel('registry')), (p) => p.length === 1 && p[0]!.ready && p[0]!.uid !== podBefore!.uid);
    const pvcAfter = await getJson<{ metadata: { uid: string }; status: { phase: string } }>([...ns, 'get', 'pvc', pvcName]);
    expect(pvcAfter.metadata.uid).toBe(pvcBefore.metadata.uid);
    expect(pvcAfter.status.phase).toBe('Bound');
    const registry: ModelRegistryClient = registryClient(d.registry);
    try {
      const { models } = await eventually('registry answers ListModels', 60_000, () =>
        callUnary<object, { models: Array<{ name: string }> }>(registry.ListModels.bind(registry) as never, {}, { deadline: deadlineIn(5000) }, keyMetadata(d.apiKey)), () => true);
      expect(models.map((m) => m.name).sort()).toEqual(expect.arrayContaining(['identity', 'mlp', 'ocr-cls']));
    } finally {
      registry.close();
    }
    // And the platform serves again through the restarted registry.
    await eventually('mlp answers after the registry restart', 60_000, async () => {
      await inferFp32(client, 'mlp', [{ name: 'x', shape: [1, 4], values: new Float32Array([1, 2, 3, 4]) }], { metadata: keyMetadata(d.apiKey) });
      return true;
    }, (ok) => ok, 2000);
  });

  it('serves the backlog KEDA reads through the scaler Service, and the API server accepts the rendered ScaledObject, HTTPRoute and GRPCRoute (real CRDs)', async () => {
    // The per-pool value a keda.source scaler pool's metrics-api trigger reads, from the deployed scaler.
    const scaler = await getJson<{ spec: { clusterIP: string } }>([...ns, 'get', 'service', `${d.release}-scaler`]);
    const res = await fetch(`http://${scaler.spec.clusterIP}:8403/keda/pools/burst`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ pool: 'burst', backlog: expect.any(Number) as number, streams: expect.any(Number) as number });
    expect((await fetch(`http://${scaler.spec.clusterIP}:8403/keda/pools/nope`)).status).toBe(404);

    // KEDA's and the Gateway API's own CRDs (scripts/cluster/ensure-tools.sh); no controller of either runs.
    // Server-side apply: the HTTPRoute CRD is larger than client-side apply's annotation limit.
    await kubectl(['apply', '--server-side', '-f', `${CRDS_DIR}/keda`, '-f', `${CRDS_DIR}/gateway-api`]);
    await kubectl(['wait', '--for', 'condition=Established', '--timeout', '60s', 'crd/scaledobjects.keda.sh', 'crd/httproutes.gateway.networking.k8s.io', 'crd/grpcroutes.gateway.networking.k8s.io']);
    const scratch = 'maas-crd-check';
    const file = path.join(os.tmpdir(), `maas-crd-check-${process.pid}.yaml`);
    fs.writeFileSync(file, await helm(['template', d.release, 'charts/maas', '-n', scratch, '-f', 'charts/maas/ci/keda-scaler-values.yaml',
      '--show-only', 'templates/worker/scaledobject.yaml', '--show-only', 'templates/gateway/routes.yaml']));
    await kubectl(['create', 'namespace', scratch]);
    try {
      const applied = (await kubectl(['apply', '-f', file])).trim().split('\n').sort();
      expect(applied).toEqual([
        `grpcroute.gateway.networking.k8s.io/${d.release}-gateway-grpc created`,
        `httproute.gateway.networking.k8s.io/${d.release}-gateway created`,
        `scaledobject.keda.sh/${d.release}-worker-gpu created`,
        `scaledobject.keda.sh/${d.release}-worker-vad created`,
      ]);
      const so = await getJson<{ spec: { fallback?: unknown; triggers: Array<{ type: string; metadata: Record<string, string> }> } }>(['-n', scratch, 'get', 'scaledobject', `${d.release}-worker-gpu`]);
      expect(so.spec.triggers).toEqual([expect.objectContaining({ type: 'metrics-api', metadata: expect.objectContaining({ valueLocation: 'backlog', url: `http://${d.release}-scaler.${scratch}.svc:8403/keda/pools/gpu` }) as unknown })]);
      // The CRD's defaulting is real too: the API server filled in the fallback's behavior.
      expect(so.spec.fallback).toEqual({ failureThreshold: 3, replicas: 2, behavior: 'static' });
      const route = await getJson<{ spec: { rules: unknown[] } }>(['-n', scratch, 'get', 'grpcroute', `${d.release}-gateway-grpc`]);
      expect(route.spec.rules).toEqual([expect.objectContaining({ backendRefs: [expect.objectContaining({ name: `${d.release}-gateway`, port: 8001 })] })]);
      // The CRDs' validation is real: a path that does not start with "/" is refused by the API server.
      const bad = fs.readFileSync(file, 'utf8').replace('value: "/v2"', 'value: "v2"');
      expect(bad).not.toBe(fs.readFileSync(file, 'utf8'));
      fs.writeFileSync(file, bad);
      await expect(kubectl(['apply', '--dry-run=server', '-f', file])).rejects.toThrow(/HTTPRoute[\s\S]*(Invalid|invalid)/);
    } finally {
      fs.rmSync(file, { force: true });
      await kubectl(['delete', 'namespace', scratch, '--wait=false']);
    }
  });

  it('applies a changed value with `helm upgrade` (gateway replicas 1 -> 2)', async () => {
    await helm(['upgrade', d.release, 'charts/maas', ...ns, '--reuse-values', '--set', 'gateway.replicas=2', '--wait', '--timeout', '5m']);
    const r = await deploymentReplicas(`${d.release}-gateway`);
    expect(r).toEqual({ spec: 2, ready: 2 });
    const history = await helm(['history', d.release, ...ns, '-o', 'json']);
    expect((JSON.parse(history) as unknown[]).length).toBeGreaterThanOrEqual(2);
    await inferFp32(client, 'mlp', [{ name: 'x', shape: [1, 4], values: new Float32Array([1, 2, 3, 4]) }], { metadata: keyMetadata(d.apiKey) });
  });

  it('leaves nothing of the release after `helm uninstall`', async () => {
    await helm(['uninstall', d.release, ...ns, '--wait', '--timeout', '5m']);
    const kinds = 'deployments,statefulsets,replicasets,pods,services,endpoints,configmaps,secrets,serviceaccounts,roles,rolebindings,poddisruptionbudgets,networkpolicies,horizontalpodautoscalers,persistentvolumeclaims';
    const left = await eventually('no object of the release left', 120_000,
      async () => (await getJson([...ns, 'get', kinds, '-l', `app.kubernetes.io/instance=${d.release}`])).items.map((i) => `${String(i['kind'])}/${String((i['metadata'] as { name: string }).name)}`),
      (items) => items.length === 0, 2000);
    expect(left).toEqual([]);
    // Only the dev Consul (not part of the release) still runs in the namespace.
    const rest = await eventually('only consul pods left', 120_000, async () => (await getJson([...ns, 'get', 'pods'])).items.map((i) => (i['metadata'] as { name: string }).name),
      (names) => names.every((n) => n.startsWith('consul-')), 2000);
    expect(rest.every((n) => n.startsWith('consul-'))).toBe(true);
  });
});
