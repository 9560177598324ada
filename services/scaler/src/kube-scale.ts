import * as fs from 'node:fs';
import type * as K8s from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { UnavailableError } from '@maas/errors';

/**
 * The Kubernetes side of the scaler: read and patch `apps/v1 deployments/scale` of a pool's Deployment
 * and record a core/v1 Event on the Deployment for every decision. Needs only: get and patch on
 * deployments/scale, create on events, in one namespace (the chart's Role).
 *
 * @kubernetes/client-node is an ES module; this CommonJS service loads it with a dynamic import.
 */

/** Where to find the API server and which namespace the pool Deployments live in. */
export interface KubeOptions {
  /** A kubeconfig file; empty: in-cluster config inside a pod, else the default ($KUBECONFIG, ~/.kube/config). */
  kubeconfigPath: string;
  /** Empty: the pod's own namespace in-cluster, else the kubeconfig context's, else "default". */
  namespace: string;
  /** reportingInstance of the Events (this scaler's instance id). */
  instanceId: string;
}

/** A Deployment's scale subresource, as far as the scaler uses it. */
export interface DeploymentScale {
  deployment: string;
  uid: string;
  specReplicas: number;
  statusReplicas: number;
}

/** What one Event says about a decision. */
export interface ScaleEvent {
  deployment: string;
  uid: string;
  reason: 'ScaledUp' | 'ScaledDown' | 'WouldScaleUp' | 'WouldScaleDown';
  message: string;
}

/** The Deployment does not exist (or the scaler may not see it). */
export class DeploymentNotFoundError extends UnavailableError {}

const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';
const REPORTING_COMPONENT = 'maas-scaler';

/** Reads and patches Deployment scales and records Events, in one namespace. */
export class KubeScaleClient {
  private constructor(
    private readonly k8s: typeof K8s,
    private readonly apps: K8s.AppsV1Api,
    private readonly core: K8s.CoreV1Api,
    /** The namespace every call goes to. */
    readonly namespace: string,
    private readonly instanceId: string,
  ) {}

  /** Loads the client library and the configuration (fails with a clear error when none is found). */
  static async create(options: KubeOptions): Promise<KubeScaleClient> {
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    const inCluster = options.kubeconfigPath === '' && process.env['KUBERNETES_SERVICE_HOST'] !== undefined;
    if (options.kubeconfigPath !== '') kc.loadFromFile(options.kubeconfigPath);
    else if (inCluster) kc.loadFromCluster();
    else kc.loadFromDefault();
    if (!kc.getCurrentCluster()) {
      throw new UnavailableError('no Kubernetes API configured: set MAAS_K8S_KUBECONFIG, $KUBECONFIG or ~/.kube/config, or run in a pod');
    }
    let namespace = options.namespace;
    if (namespace === '' && inCluster && fs.existsSync(SERVICE_ACCOUNT_NAMESPACE)) namespace = fs.readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim();
    if (namespace === '') namespace = kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
    return new KubeScaleClient(k8s, kc.makeApiClient(k8s.AppsV1Api), kc.makeApiClient(k8s.CoreV1Api), namespace, options.instanceId);
  }

  /** Reads deployments/scale. DeploymentNotFoundError on 404; UnavailableError on other failures. */
  async readScale(deployment: string): Promise<DeploymentScale> {
    try {
      const scale = await this.apps.readNamespacedDeploymentScale({ name: deployment, namespace: this.namespace });
      return toDeploymentScale(deployment, scale);
    } catch (err) {
      throw this.asError(err, `read scale of deployment ${this.namespace}/${deployment}`);
    }
  }

  /** Sets spec.replicas through a merge patch of deployments/scale. */
  async patchReplicas(deployment: string, replicas: number): Promise<DeploymentScale> {
    try {
      const scale = await this.apps.patchNamespacedDeploymentScale(
        { name: deployment, namespace: this.namespace, body: { spec: { replicas } }, fieldManager: REPORTING_COMPONENT },
        this.k8s.setHeaderOptions('Content-Type', this.k8s.PatchStrategy.MergePatch),
      );
      return toDeploymentScale(deployment, scale);
    } catch (err) {
      throw this.asError(err, `patch scale of deployment ${this.namespace}/${deployment} to ${replicas}`);
    }
  }

  /** Records a Normal Event on the Deployment (what `kubectl describe deployment` shows). */
  async recordEvent(event: ScaleEvent): Promise<void> {
    const now = new Date();
    const body: K8s.CoreV1Event = {
      metadata: { generateName: `${event.deployment}.`, namespace: this.namespace },
      involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: event.deployment, namespace: this.namespace, uid: event.uid },
      reason: event.reason,
      message: event.message.slice(0, 1024),
      type: 'Normal',
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: REPORTING_COMPONENT },
      reportingComponent: REPORTING_COMPONENT,
      reportingInstance: this.instanceId.slice(0, 128),
      action: 'Scale',
    };
    try {
      await this.core.createNamespacedEvent({ namespace: this.namespace, body });
    } catch (err) {
      throw this.asError(err, `record event on deployment ${this.namespace}/${event.deployment}`);
    }
  }

  private asError(err: unknown, what: string): Error {
    if (err instanceof this.k8s.ApiException) {
      const detail = typeof err.body === 'string' ? err.body.slice(0, 300) : JSON.stringify(err.body).slice(0, 300);
      if (err.code === 404) return new DeploymentNotFoundError(`${what}: not found (${detail})`, { cause: err });
      return new UnavailableError(`${what}: HTTP ${err.code} ${detail}`, { cause: err });
    }
    return new UnavailableError(`${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

function toDeploymentScale(deployment: string, scale: K8s.V1Scale): DeploymentScale {
  return {
    deployment,
    uid: scale.metadata?.uid ?? '',
    specReplicas: scale.spec?.replicas ?? 0,
    statusReplicas: scale.status?.replicas ?? 0,
  };
}
