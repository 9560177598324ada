import { boolean, integer, port, string } from '@maas/config';
import { redisSettings } from '@maas/queue';

/** The scaler's own settings (the common ones come from @maas/runtime). */
export const scalerSettings = {
  scalerPolicyFile: string('', 'JSON file with the per-pool policies: {"pools": {"<pool>": {"models": [...], "minReplicas": 0, ...}}} (required; see docs/scaler.md)'),
  scalerDryRun: boolean(false, 'decide, log, count and record Events, but never patch a Deployment'),
  scalerIntervalMs: integer(5000, 'how often every pool is evaluated', 100, 600_000),
  ...redisSettings,
  scalerBacklogPort: port(8403, 'HTTP port of the per-pool backlog for KEDA\'s metrics-api trigger (GET /keda/pools/<pool>, JSON, value "backlog"); 0 picks a free one'),
  scalerStreamCacheMs: integer(30_000, "how long the list of a pool's jobs streams (SCAN) is reused; a new model version is seen within it", 0, 3_600_000),
  k8sNamespace: string('', 'namespace of the pool Deployments; empty: the pod\'s own namespace, else the kubeconfig context\'s, else "default"'),
  k8sKubeconfig: string('', 'kubeconfig file; empty: in-cluster config inside a pod, else $KUBECONFIG or ~/.kube/config'),
  scalerLockKey: string('maas/scaler/leader', 'Consul KV key of the leader lock (one active scaler per key)'),
  scalerLockTtlSeconds: integer(10, 'TTL of the leader\'s Consul session (renewed at half); a leader that cannot renew stops acting within it', 10, 86_400),
  scalerLockDelayMs: integer(1000, 'Consul lock-delay: how long the lock stays unacquirable after a leader\'s session is invalidated', 0, 60_000),
  scalerLeaderRetryMs: integer(1000, 'how often a standby tries to take the lock', 100, 60_000),
};
