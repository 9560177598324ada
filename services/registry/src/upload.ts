import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ServerReadableStream } from '@grpc/grpc-js';
import { CancelledError, DeadlineExceededError, FailedPreconditionError, InvalidArgumentError, MaasError, NotFoundError, PermissionDeniedError, UnauthenticatedError } from '@maas/errors';
import type { Logger } from '@maas/logging';
import type { ArtifactFile__Output, ModelVersion__Output, UploadMetadata__Output, UploadVersionRequest__Output, VersionConfig__Output } from '@maas/protos';
import type { Actor } from './actor';
import { fsyncDir } from './fs-atomic';
import { messageReader, type MessageReader } from './message-reader';
import type { RegistryMetrics, UploadOutcome } from './metrics';
import { validateAliasName } from './names';
import { inspectOnnx } from './onnx-inspect';
import type { Repository } from './repository';
import { extractTar } from './tar-extract';
import { normalizeVersionConfig, validateVersionConfig } from './version-config';

/** What an upload needs from the service. */
export interface UploadDeps {
  repository: Repository;
  metrics: RegistryMetrics;
  logger: Logger;
  maxArtifactBytes: number;
  idleTimeoutMs: number;
  /** The authenticated caller, as the audit log records it. */
  actor: Actor;
  /**
   * Checks the caller may add a version to `model` (PERMISSION_DENIED otherwise) once the metadata is read,
   * before any byte is stored; returns the owner tenant for a model the upload creates.
   */
  authorize: (model: string, requestedOwnerTenant: string) => string;
}

/** Upload metadata, checked. */
interface UploadPlan {
  model: string;
  sha256: string;
  /** 0 = not declared. */
  sizeBytes: number;
  kind: 'onnx' | 'bundle';
  config: VersionConfig__Output;
  userMetadata: Record<string, string>;
  createModel: boolean;
  alias: string;
  ownerTenant: string;
}

const MAX_USER_METADATA_ENTRIES = 64;
const MAX_USER_METADATA_VALUE_CHARS = 65_536;

const refuse = (message: string, outcome: UploadOutcome): InvalidArgumentError => new InvalidArgumentError(message, { details: { outcome } });

function checkMetadata(meta: UploadMetadata__Output, maxArtifactBytes: number): UploadPlan {
  const sha256 = meta.sha256.toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw refuse('metadata.sha256 must be the artifact\'s SHA-256 as 64 hex characters', 'invalid');
  if (meta.size_bytes < 0) throw refuse('metadata.size_bytes must not be negative', 'invalid');
  if (meta.size_bytes > maxArtifactBytes) {
    throw refuse(`artifact of ${meta.size_bytes} bytes is over the registry's limit of ${maxArtifactBytes} bytes (MAAS_REGISTRY_MAX_ARTIFACT_BYTES)`, 'too_large');
  }
  const kind = meta.artifact_kind === '' ? 'onnx' : meta.artifact_kind;
  if (kind !== 'onnx' && kind !== 'bundle') throw refuse(`metadata.artifact_kind ${JSON.stringify(meta.artifact_kind)} must be "onnx" or "bundle"`, 'invalid');
  if (meta.alias !== '') validateAliasName(meta.alias);
  const entries = Object.entries(meta.user_metadata);
  if (entries.length > MAX_USER_METADATA_ENTRIES) throw refuse(`user_metadata has ${entries.length} entries; at most ${MAX_USER_METADATA_ENTRIES}`, 'invalid');
  for (const [key, value] of entries) {
    if (key === '' || key.length > 128 || value.length > MAX_USER_METADATA_VALUE_CHARS) {
      throw refuse(`user_metadata key ${JSON.stringify(key.slice(0, 40))}: keys are 1..128 characters, values at most ${MAX_USER_METADATA_VALUE_CHARS}`, 'invalid');
    }
  }
  const config = normalizeVersionConfig(meta.config);
  validateVersionConfig(config, undefined);
  return {
    model: meta.model,
    sha256,
    sizeBytes: meta.size_bytes,
    kind,
    config,
    userMetadata: { ...meta.user_metadata },
    createModel: meta.create_model,
    alias: meta.alias,
    ownerTenant: meta.owner_tenant,
  };
}

/** Streams the chunks into `file`, hashing and counting; enforces the declared size and the limit. */
async function receiveArtifact(messages: MessageReader<UploadVersionRequest__Output>, file: string, plan: UploadPlan, maxArtifactBytes: number): Promise<{ sha256: string; sizeBytes: number }> {
  const limit = plan.sizeBytes > 0 ? Math.min(plan.sizeBytes, maxArtifactBytes) : maxArtifactBytes;
  const hash = createHash('sha256');
  const handle = await fs.open(file, 'wx');
  let received = 0;
  try {
    for (let message = await messages.next(); message !== undefined; message = await messages.next()) {
      if (message.part !== 'chunk' || !message.chunk) throw refuse('after the metadata, every UploadVersion message must be a chunk', 'invalid');
      received += message.chunk.length;
      if (received > limit) {
        throw plan.sizeBytes > 0 && received > plan.sizeBytes && plan.sizeBytes <= maxArtifactBytes
          ? refuse(`received more than the declared ${plan.sizeBytes} bytes`, 'invalid')
          : refuse(`artifact is over the registry's limit of ${maxArtifactBytes} bytes (MAAS_REGISTRY_MAX_ARTIFACT_BYTES)`, 'too_large');
      }
      hash.update(message.chunk);
      await handle.write(message.chunk);
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  return { sha256: hash.digest('hex'), sizeBytes: received };
}

/** Unpacks a bundle next to itself and returns its files, model.onnx first. */
async function unpackBundle(stagingDir: string, bundleFile: string): Promise<ArtifactFile__Output[]> {
  const extracted = await extractTar(bundleFile, stagingDir);
  await fs.rm(bundleFile);
  const model = extracted.find((f) => f.path === 'model.onnx');
  if (!model) {
    throw refuse(`bundle has no model.onnx at its top level (it holds ${extracted.map((f) => f.path).join(', ') || 'nothing'})`, 'invalid');
  }
  const sideFiles = extracted.filter((f) => f !== model).sort((a, b) => a.path.localeCompare(b.path));
  return [model, ...sideFiles].map((f) => ({ path: f.path, sha256: f.sha256, size_bytes: f.sizeBytes }));
}

function outcomeOf(err: unknown): UploadOutcome {
  if (err instanceof MaasError) {
    const tagged = err.details['outcome'];
    if (typeof tagged === 'string') return tagged as UploadOutcome;
    if (err instanceof CancelledError || err instanceof DeadlineExceededError) return 'aborted';
    if (err instanceof PermissionDeniedError || err instanceof UnauthenticatedError) return 'denied';
    if (err instanceof InvalidArgumentError || err instanceof FailedPreconditionError || err instanceof NotFoundError) return 'invalid';
  }
  return 'error';
}

/**
 * UploadVersion: metadata first, then chunks streamed into a fresh folder under `<root>/.tmp` (never into
 * the final place), checked (size, sha256, tar layout, ORT load, config against the model), then committed
 * by one rename. Any refusal or a cut stream removes the folder, so nothing is left behind; a crash leaves
 * only the temp folder, which the next start clears.
 */
export async function handleUpload(call: ServerReadableStream<UploadVersionRequest__Output, ModelVersion__Output>, deps: UploadDeps): Promise<ModelVersion__Output> {
  const startedMs = performance.now();
  const actor = deps.actor;
  let outcome: UploadOutcome = 'error';
  let stagingDir: string | undefined;
  let model = '';
  try {
    const messages = messageReader<UploadVersionRequest__Output>(call, deps.idleTimeoutMs);
    const first = await messages.next();
    if (!first || first.part !== 'metadata' || !first.metadata) throw refuse('the first UploadVersion message must carry the metadata', 'invalid');
    const plan = checkMetadata(first.metadata, deps.maxArtifactBytes);
    model = plan.model;
    deps.repository.checkUploadTarget(plan.model, plan.createModel);
    const ownerTenant = deps.authorize(plan.model, plan.ownerTenant);
    stagingDir = await fs.mkdtemp(path.join(deps.repository.tempDir, `upload-${plan.model}-`));
    const artifact = path.join(stagingDir, plan.kind === 'bundle' ? 'bundle.tar' : 'model.onnx');
    const received = await receiveArtifact(messages, artifact, plan, deps.maxArtifactBytes);
    if (plan.sizeBytes > 0 && received.sizeBytes !== plan.sizeBytes) {
      throw refuse(`upload stream ended after ${received.sizeBytes} of the declared ${plan.sizeBytes} bytes`, 'invalid');
    }
    if (received.sha256 !== plan.sha256) {
      throw refuse(`sha256 mismatch: the metadata declared ${plan.sha256}, the ${received.sizeBytes} bytes received hash to ${received.sha256}`, 'checksum_mismatch');
    }
    const files = plan.kind === 'bundle' ? await unpackBundle(stagingDir, artifact) : [{ path: 'model.onnx', sha256: received.sha256, size_bytes: received.sizeBytes }];
    const signature = await inspectOnnx(path.join(stagingDir, 'model.onnx'));
    validateVersionConfig(plan.config, signature.batchDim);
    await fsyncDir(stagingDir);
    const record = await deps.repository.commitVersion(
      {
        model: plan.model,
        dir: stagingDir,
        record: {
          sha256: received.sha256,
          size_bytes: received.sizeBytes,
          inputs: signature.inputs,
          outputs: signature.outputs,
          batch_dim: signature.batchDim,
          config: plan.config,
          user_metadata: plan.userMetadata,
          artifact_kind: plan.kind,
          files,
        },
        alias: plan.alias,
        createModel: plan.createModel ? { owner_tenant: ownerTenant } : undefined,
      },
      actor,
    );
    stagingDir = undefined;
    outcome = 'ok';
    deps.logger.info({ model: record.model, version: record.version, sizeBytes: record.size_bytes, actor: actor.id }, 'version uploaded');
    return record;
  } catch (err) {
    outcome = outcomeOf(err);
    deps.logger.info({ model, outcome, actor: actor.id, err: (err as Error).message }, 'upload refused');
    throw err;
  } finally {
    if (stagingDir) await fs.rm(stagingDir, { recursive: true, force: true });
    deps.metrics.uploadsTotal.inc({ outcome });
    deps.metrics.uploadDurationSeconds.observe({ outcome }, (performance.now() - startedMs) / 1000);
  }
}
