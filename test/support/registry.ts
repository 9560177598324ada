import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { callUnary, createClient, type ClientTransport } from '@maas/grpc-kit';
import { loadGrpcObject, REGISTRY_PROTO_FILES, type ModelRegistryClient, type RegistryModelVersion, type RegistryProtoGrpcType } from '@maas/protos';

/** A registry client for tests (plaintext unless a transport is given). */
export function registryClient(address: string, transport?: ClientTransport): ModelRegistryClient {
  const { grpcObject } = loadGrpcObject<RegistryProtoGrpcType>(REGISTRY_PROTO_FILES);
  return createClient(grpcObject.maas.registry.v1.ModelRegistry, address, transport ? { transport } : {});
}

/** Call metadata carrying an API key (and a claimed actor). */
export function keyMetadata(apiKey: string, actor = ''): grpc.Metadata {
  const m = new grpc.Metadata();
  if (apiKey !== '') m.set('authorization', `Bearer ${apiKey}`);
  if (actor !== '') m.set('x-maas-actor', actor);
  return m;
}

/** What to upload. */
export interface UploadOptions {
  model: string;
  file: string;
  alias?: string;
  artifactKind?: 'onnx' | 'bundle';
  config?: {
    batching?: { max_batch_size?: number; dynamic_batching?: boolean; max_queue_delay_us?: number; preferred_batch_sizes?: number[] };
    pipeline_json?: string;
    labels?: string[];
    max_queue_delay_us?: number;
    max_queue_depth?: number;
  };
  ownerTenant?: string;
  /** Sent as the API key when the registry has auth on. */
  apiKey?: string;
}

/** Streams a model file to the registry (metadata first, then 256 KiB chunks) and returns the new version. */
export async function uploadModel(client: ModelRegistryClient, o: UploadOptions): Promise<RegistryModelVersion> {
  const bytes = fs.readFileSync(o.file);
  return new Promise<RegistryModelVersion>((resolve, reject) => {
    const call = client.UploadVersion(keyMetadata(o.apiKey ?? ''), (err: grpc.ServiceError | null, res?: RegistryModelVersion) => (err ? reject(err) : resolve(res!)));
    call.write({
      metadata: {
        model: o.model,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        size_bytes: bytes.length,
        artifact_kind: o.artifactKind ?? 'onnx',
        config: o.config ?? {},
        create_model: true,
        alias: o.alias ?? '',
        owner_tenant: o.ownerTenant ?? '',
      },
    });
    for (let off = 0; off < bytes.length; off += 256 * 1024) call.write({ chunk: bytes.subarray(off, off + 256 * 1024) });
    call.end();
  });
}

/** Points an alias at versions with weights (a single version = 100). */
export async function setAlias(client: ModelRegistryClient, model: string, name: string, targets: Array<{ version: number; weight: number }>): Promise<void> {
  await callUnary(client.SetAlias.bind(client), { model, name, targets });
}

/** Moves an alias back to where it pointed before. */
export async function rollbackAlias(client: ModelRegistryClient, model: string, name: string): Promise<void> {
  await callUnary(client.RollbackAlias.bind(client), { model, name });
}
