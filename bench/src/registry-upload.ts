import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import type * as grpc from '@grpc/grpc-js';
import { createClient } from '@maas/grpc-kit';
import type { TestCerts } from '@maas/testing';
import { loadGrpcObject, REGISTRY_PROTO_FILES, type ModelRegistryClient, type RegistryProtoGrpcType, type VersionConfig } from '@maas/protos';

/** A maas.registry.v1 client; over mutual TLS with the caller's pair of `tls` when given. */
export function registryClient(address: string, tls?: TestCerts): ModelRegistryClient {
  const { grpcObject } = loadGrpcObject<RegistryProtoGrpcType>(REGISTRY_PROTO_FILES);
  return createClient(grpcObject.maas.registry.v1.ModelRegistry, address, tls ? { transport: tls.transport() } : undefined);
}

/** Streams an ONNX file (or a tar bundle) to the registry as a new version of `model` (created when missing); resolves with its version number. */
export async function uploadModel(client: ModelRegistryClient, model: string, file: string, config: VersionConfig, artifactKind: 'onnx' | 'bundle' = 'onnx'): Promise<number> {
  const bytes = fs.readFileSync(file);
  return new Promise<number>((resolve, reject) => {
    const call = client.UploadVersion((err: grpc.ServiceError | null, res?: { version?: number }) =>
      err ? reject(new Error(`uploading ${model} to the registry: ${err.message}`, { cause: err })) : resolve(res?.version ?? 0),
    );
    call.write({
      metadata: {
        model,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        size_bytes: bytes.length,
        artifact_kind: artifactKind,
        config,
        create_model: true,
        alias: '',
        owner_tenant: '',
      },
    });
    for (let off = 0; off < bytes.length; off += 256 * 1024) call.write({ chunk: bytes.subarray(off, off + 256 * 1024) });
    call.end();
  });
}
