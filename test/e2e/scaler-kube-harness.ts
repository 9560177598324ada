import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, REPO_ROOT, startProcess, waitFor, type ManagedProcess } from '@maas/testing';

/**
 * A real Kubernetes API server for the scaler's tests: Debian's etcd and a kube-apiserver built from the
 * Go module proxy (scripts/tools/ensure-kube.sh; the first run builds it, ~15-25 min, later runs reuse the
 * cached binary). No controller manager and no kubelet run, so a Deployment's spec.replicas is exactly
 * what the scaler patched and no pod ever starts. Static tokens authenticate the tests (system:masters)
 * and the scaler (user "maas-scaler", no groups); authorization is RBAC, so the scaler can do only what
 * grantScalerRole() allows — the same rules as the chart's Role.
 */

/** A running etcd + kube-apiserver pair. */
export interface KubeHandle {
  /** https://127.0.0.1:<port> */
  readonly url: string;
  /** A kubeconfig for the scaler (user maas-scaler, TLS verification off: the serving cert is self-signed). */
  readonly kubeconfigPath: string;
  /** A JSON request as the admin token user; rejects on a non-2xx answer. */
  request<T = unknown>(method: string, apiPath: string, body?: unknown, contentType?: string): Promise<T>;
  stop(): Promise<void>;
}

const ADMIN_TOKEN = 'maas-test-admin-token';
const SCALER_TOKEN = 'maas-test-scaler-token';
/** The Kubernetes user the scaler's kubeconfig authenticates as. */
export const SCALER_USER = 'maas-scaler';

/** Paths of etcd and kube-apiserver, fetched/built by ensure-kube.sh when missing (prints progress). */
export function kubeBinaries(): { etcd: string; apiserver: string } {
  const bin = path.join(REPO_ROOT, '.tools/bin');
  const etcd = path.join(bin, 'etcd');
  const apiserver = path.join(bin, 'kube-apiserver');
  if (!fs.existsSync(etcd) || !fs.existsSync(apiserver)) {
    execFileSync(path.join(REPO_ROOT, 'scripts/tools/ensure-kube.sh'), { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return { etcd, apiserver };
}

function httpsRequest<T>(url: string, method: string, body: unknown, contentType: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request(
      url,
      {
        method,
        rejectUnauthorized: false,
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, Accept: 'application/json', ...(payload ? { 'Content-Type': contentType } : {}) },
        timeout: 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`${method} ${url}: HTTP ${res.statusCode} ${text.slice(0, 500)}`));
          else resolve((text.startsWith('{') ? JSON.parse(text) : text) as T);
        });
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: timeout`)));
    req.end(payload);
  });
}

/** Starts etcd and kube-apiserver on free loopback ports and waits until /readyz answers ok. */
export async function startKube(): Promise<KubeHandle> {
  const { etcd, apiserver } = kubeBinaries();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-kube-'));
  const [etcdClient, etcdPeer, securePort] = [await freePort(), await freePort(), await freePort()];
  const etcdProc = startProcess(
    etcd,
    [
      '--name', 'default', '--data-dir', path.join(dir, 'etcd'),
      '--listen-client-urls', `http://127.0.0.1:${etcdClient}`, '--advertise-client-urls', `http://127.0.0.1:${etcdClient}`,
      '--listen-peer-urls', `http://127.0.0.1:${etcdPeer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${etcdPeer}`,
      '--initial-cluster', `default=http://127.0.0.1:${etcdPeer}`, '--log-level', 'warn',
    ],
    { name: 'etcd', env: { ...process.env, ETCD_UNSUPPORTED_ARCH: '' } },
  );

  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  fs.writeFileSync(path.join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  fs.writeFileSync(path.join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  fs.writeFileSync(path.join(dir, 'tokens.csv'), `${ADMIN_TOKEN},maas-test-admin,1,"system:masters"\n${SCALER_TOKEN},${SCALER_USER},2\n`);
  const apiProc = startProcess(
    apiserver,
    [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      `--secure-port=${securePort}`, '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1',
      `--cert-dir=${path.join(dir, 'certs')}`,
      `--token-auth-file=${path.join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--disable-admission-plugins=ServiceAccount',
      `--service-account-issuer=https://kubernetes.default.svc`,
      `--service-account-key-file=${path.join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${path.join(dir, 'sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/24',
      '--v=0',
    ],
    { name: 'kube-apiserver' },
  );
  const procs: ManagedProcess[] = [apiProc, etcdProc];
  const url = `https://127.0.0.1:${securePort}`;
  const handle: KubeHandle = {
    url,
    kubeconfigPath: path.join(dir, 'kubeconfig.json'),
    request: <T>(method: string, apiPath: string, body?: unknown, contentType = 'application/json') => httpsRequest<T>(url + apiPath, method, body, contentType),
    async stop() {
      for (const p of procs) await p.stop(5000);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitFor(async () => {
      if (apiProc.exited() || etcdProc.exited()) throw new Error('etcd or kube-apiserver exited');
      return (await handle.request<string>('GET', '/readyz').catch(() => '')) === 'ok';
    }, 60_000, 'kube-apiserver /readyz');
  } catch (err) {
    const logs = `--- etcd ---\n${etcdProc.log().slice(-3000)}\n--- kube-apiserver ---\n${apiProc.log().slice(-6000)}`;
    await handle.stop();
    throw new Error(`${(err as Error).message}\n${logs}`);
  }
  fs.writeFileSync(
    handle.kubeconfigPath,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'test', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'test', user: { token: SCALER_TOKEN } }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'test' } }],
      'current-context': 'test',
    }),
  );
  return handle;
}

/** Creates a namespace and a worker-pool Deployment (replicas 0) in it. */
export async function createPoolDeployment(kube: KubeHandle, namespace: string, name: string): Promise<void> {
  await kube.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }).catch((err: Error) => {
    if (!/HTTP 409/.test(err.message)) throw err;
  });
  const labels = { 'app.kubernetes.io/name': 'maas-worker', 'app.kubernetes.io/instance': name };
  await kube.request('POST', `/apis/apps/v1/namespaces/${namespace}/deployments`, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: 0,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'worker', image: 'maas/worker:test' }] } },
    },
  });
}

/**
 * Grants the scaler's user what the chart's Role grants, and nothing else: get/patch on the scale of the
 * named Deployments, create Events (core and events.k8s.io).
 */
export async function grantScalerRole(kube: KubeHandle, namespace: string, deployments: readonly string[]): Promise<void> {
  await kube.request('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/roles`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'maas-scaler', namespace },
    rules: [
      { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['get', 'patch'], resourceNames: deployments },
      { apiGroups: [''], resources: ['events'], verbs: ['create'] },
      { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create'] },
    ],
  });
  await kube.request('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'maas-scaler', namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'maas-scaler' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: SCALER_USER }],
  });
}

/** spec.replicas of a Deployment, read through its scale subresource. */
export async function deploymentReplicas(kube: KubeHandle, namespace: string, name: string): Promise<number> {
  const scale = await kube.request<{ spec?: { replicas?: number } }>('GET', `/apis/apps/v1/namespaces/${namespace}/deployments/${name}/scale`);
  return scale.spec?.replicas ?? 0;
}

/** A core/v1 Event as the tests read it. */
export interface KubeEvent {
  reason: string;
  message: string;
  reportingInstance?: string;
  involvedObject: { kind: string; name: string; uid?: string };
  metadata: { resourceVersion?: string };
}

/** Events recorded on a Deployment, oldest first. */
export async function deploymentEvents(kube: KubeHandle, namespace: string, name: string): Promise<KubeEvent[]> {
  const selector = encodeURIComponent(`involvedObject.kind=Deployment,involvedObject.name=${name}`);
  const list = await kube.request<{ items: KubeEvent[] }>('GET', `/api/v1/namespaces/${namespace}/events?fieldSelector=${selector}`);
  // Lists come sorted by name (random suffixes); timestamps have 1 s resolution. With one etcd the
  // resourceVersion of a created object grows with creation order.
  return list.items.sort((a, b) => Number(a.metadata.resourceVersion ?? 0) - Number(b.metadata.resourceVersion ?? 0));
}
