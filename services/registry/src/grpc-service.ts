import type { ServerUnaryCall } from '@grpc/grpc-js';
import { clientStreaming, serverStreaming, unary } from '@maas/grpc-kit';
import type { Logger } from '@maas/logging';
import type { AuditEntry, ModelRegistryHandlers } from '@maas/protos';
import { actorOf } from './actor';
import { handleDownload } from './download';
import type { RegistryMetrics } from './metrics';
import type { Repository } from './repository';
import { handleUpload } from './upload';
import { normalizeVersionConfig, validateVersionConfig } from './version-config';
import { handleWatch } from './watch';

/** What the ModelRegistry implementation needs. */
export interface RegistryServiceDeps {
  repository: Repository;
  metrics: RegistryMetrics;
  logger: Logger;
  maxArtifactBytes: number;
  uploadIdleTimeoutMs: number;
  watchHeartbeatMs: number;
  /** Resolves when the service starts draining: open Watch streams end so shutdown is not held up. */
  shutdown: Promise<void>;
}

const DEFAULT_AUDIT_LIMIT = 100;
const MAX_AUDIT_LIMIT = 1000;

/** The caller, from any call's metadata. */
const who = (call: ServerUnaryCall<unknown, unknown>): string => actorOf(call.metadata);

/** The maas.registry.v1.ModelRegistry handlers: thin adapters from the wire onto the repository. */
export function registryHandlers(deps: RegistryServiceDeps): ModelRegistryHandlers {
  const repo = deps.repository;
  return {
    CreateModel: unary(async (req, call) => repo.createModel(req, who(call))),
    GetModel: unary(async (req) => repo.getModel(req.name)),
    ListModels: unary(async (req) => ({ models: repo.listModels(req.owner_tenant) })),
    DeleteModel: unary(async (req, call) => {
      await repo.deleteModel(req.name, req.force, who(call));
      return {};
    }),
    UploadVersion: clientStreaming(async (call) =>
      handleUpload(call, { repository: repo, metrics: deps.metrics, logger: deps.logger, maxArtifactBytes: deps.maxArtifactBytes, idleTimeoutMs: deps.uploadIdleTimeoutMs }),
    ),
    GetVersion: unary(async (req) => repo.getVersion(req.model, req.version)),
    ListVersions: unary(async (req) => ({ versions: repo.listVersions(req.model) })),
    DeleteVersion: unary(async (req, call) => {
      await repo.deleteVersion(req.model, req.version, who(call));
      return {};
    }),
    UpdateVersionConfig: unary(async (req, call) => {
      const current = repo.getVersion(req.model, req.version);
      const config = normalizeVersionConfig(req.config);
      validateVersionConfig(config, current.batch_dim);
      return repo.updateVersionConfig(req.model, req.version, config, who(call));
    }),
    DownloadArtifact: serverStreaming(async (call) => handleDownload(call, repo, deps.metrics)),
    SetAlias: unary(async (req, call) => repo.setAlias(req.model, req.name, req.targets, who(call))),
    GetAlias: unary(async (req) => repo.getAlias(req.model, req.name)),
    ListAliases: unary(async (req) => ({ aliases: repo.listAliases(req.model) })),
    DeleteAlias: unary(async (req, call) => {
      await repo.deleteAlias(req.model, req.name, who(call));
      return {};
    }),
    RollbackAlias: unary(async (req, call) => repo.rollbackAlias(req.model, req.name, who(call))),
    Resolve: unary(async (req) => repo.resolve(req.model, req.version, req.alias)),
    Watch: serverStreaming(async (call) => handleWatch(call, repo.events, deps.watchHeartbeatMs, deps.shutdown)),
    ListAuditLog: unary(async (req) => {
      const limit = req.limit <= 0 ? DEFAULT_AUDIT_LIMIT : Math.min(req.limit, MAX_AUDIT_LIMIT);
      const entries: AuditEntry[] = [];
      const retained = repo.events.retained();
      for (let i = retained.length - 1; i >= 0 && entries.length < limit; i--) {
        const e = retained[i]!;
        if (req.model !== '' && e.model !== req.model) continue;
        entries.push({ unix_ms: e.unix_ms, actor: e.actor, action: e.action, model: e.model, version: e.version, detail: JSON.stringify({ kind: e.kind, alias: e.alias, ...e.detail }) });
      }
      return { entries };
    }),
  };
}
