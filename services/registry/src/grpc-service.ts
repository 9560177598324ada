import type { Metadata } from '@grpc/grpc-js';
import { clientStreaming, serverStreaming, unary } from '@maas/grpc-kit';
import type { Logger } from '@maas/logging';
import type { AuditEntry, ModelRegistryHandlers } from '@maas/protos';
import type { RegistryAccess } from './access';
import { handleDownload } from './download';
import type { RegistryMetrics } from './metrics';
import type { Repository } from './repository';
import { handleUpload } from './upload';
import { normalizeVersionConfig, validateVersionConfig } from './version-config';
import { handleWatch } from './watch';

/** What the ModelRegistry implementation needs. */
export interface RegistryServiceDeps {
  repository: Repository;
  access: RegistryAccess;
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

/** The maas.registry.v1.ModelRegistry handlers: authentication and roles (RegistryAccess), then the repository. */
export function registryHandlers(deps: RegistryServiceDeps): ModelRegistryHandlers {
  const repo = deps.repository;
  const access = deps.access;
  /** Any authenticated caller may read. */
  const reader = (call: { metadata: Metadata }): void => {
    access.caller(call.metadata);
  };
  /** The actor of a permitted change to `model`. */
  const writer = (call: { metadata: Metadata }, model: string, rpc: string) => access.writer(call.metadata, model, rpc).actor;
  return {
    CreateModel: unary(async (req, call) => {
      const caller = access.caller(call.metadata);
      access.checkWrite(caller, req.name, 'CreateModel');
      return repo.createModel({ ...req, owner_tenant: access.ownerForNewModel(caller, req.owner_tenant) }, caller.actor);
    }),
    GetModel: unary(async (req, call) => {
      reader(call);
      return repo.getModel(req.name);
    }),
    ListModels: unary(async (req, call) => {
      reader(call);
      return { models: repo.listModels(req.owner_tenant) };
    }),
    DeleteModel: unary(async (req, call) => {
      const actor = writer(call, req.name, 'DeleteModel');
      await repo.deleteModel(req.name, req.force, actor);
      return {};
    }),
    UploadVersion: clientStreaming(async (call) => {
      const caller = access.caller(call.metadata);
      return handleUpload(call, {
        repository: repo,
        metrics: deps.metrics,
        logger: deps.logger,
        maxArtifactBytes: deps.maxArtifactBytes,
        idleTimeoutMs: deps.uploadIdleTimeoutMs,
        actor: caller.actor,
        authorize: (model, requestedOwner) => {
          access.checkWrite(caller, model, 'UploadVersion');
          return repo.ownerOf(model) === undefined ? access.ownerForNewModel(caller, requestedOwner) : requestedOwner;
        },
      });
    }),
    GetVersion: unary(async (req, call) => {
      reader(call);
      return repo.getVersion(req.model, req.version);
    }),
    ListVersions: unary(async (req, call) => {
      reader(call);
      return { versions: repo.listVersions(req.model) };
    }),
    DeleteVersion: unary(async (req, call) => {
      const actor = writer(call, req.model, 'DeleteVersion');
      await repo.deleteVersion(req.model, req.version, actor);
      return {};
    }),
    UpdateVersionConfig: unary(async (req, call) => {
      const actor = writer(call, req.model, 'UpdateVersionConfig');
      const current = repo.getVersion(req.model, req.version);
      const config = normalizeVersionConfig(req.config);
      validateVersionConfig(config, current.batch_dim);
      return repo.updateVersionConfig(req.model, req.version, config, actor);
    }),
    DownloadArtifact: serverStreaming(async (call) => {
      reader(call);
      return handleDownload(call, repo, deps.metrics);
    }),
    SetAlias: unary(async (req, call) => repo.setAlias(req.model, req.name, req.targets, writer(call, req.model, 'SetAlias'))),
    GetAlias: unary(async (req, call) => {
      reader(call);
      return repo.getAlias(req.model, req.name);
    }),
    ListAliases: unary(async (req, call) => {
      reader(call);
      return { aliases: repo.listAliases(req.model) };
    }),
    DeleteAlias: unary(async (req, call) => {
      const actor = writer(call, req.model, 'DeleteAlias');
      await repo.deleteAlias(req.model, req.name, actor);
      return {};
    }),
    RollbackAlias: unary(async (req, call) => repo.rollbackAlias(req.model, req.name, writer(call, req.model, 'RollbackAlias'))),
    Resolve: unary(async (req, call) => {
      reader(call);
      return repo.resolve(req.model, req.version, req.alias);
    }),
    Watch: serverStreaming(async (call) => {
      reader(call);
      return handleWatch(call, repo.events, deps.watchHeartbeatMs, deps.shutdown);
    }),
    ListAuditLog: unary(async (req, call) => {
      reader(call);
      const limit = req.limit <= 0 ? DEFAULT_AUDIT_LIMIT : Math.min(req.limit, MAX_AUDIT_LIMIT);
      const entries: AuditEntry[] = [];
      const retained = repo.events.retained();
      for (let i = retained.length - 1; i >= 0 && entries.length < limit; i--) {
        const e = retained[i]!;
        if (req.model !== '' && e.model !== req.model) continue;
        entries.push({
          unix_ms: e.unix_ms,
          actor: e.actor,
          actor_note: e.actor_note ?? '',
          action: e.action,
          model: e.model,
          version: e.version,
          detail: JSON.stringify({ kind: e.kind, alias: e.alias, ...e.detail }),
        });
      }
      return { entries };
    }),
  };
}
