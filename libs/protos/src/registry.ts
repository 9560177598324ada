import type { ModelRegistryClient } from './generated/maas/registry/v1/ModelRegistry';
// Short aliases of the generated maas.registry.v1 output types (the full list is in index.ts).
export type { ModelVersion__Output as RegistryModelVersion } from './generated/maas/registry/v1/ModelVersion';
export type { ResolveResponse__Output as RegistryResolveResponse } from './generated/maas/registry/v1/ResolveResponse';
export type { WatchEvent__Output as RegistryWatchEvent } from './generated/maas/registry/v1/WatchEvent';
export type { Model__Output as RegistryModel } from './generated/maas/registry/v1/Model';
export type { TensorSpec__Output as RegistryTensorSpec } from './generated/maas/registry/v1/TensorSpec';

/** The proto files of the registry API, relative to PROTO_ROOT. */
export const REGISTRY_PROTO_FILES: readonly string[] = ['maas/registry/v1/registry.proto'];

/** A bundle side file (or the whole artifact with file "") read whole from the registry's DownloadArtifact stream. */
export async function downloadRegistryFile(
  client: Pick<ModelRegistryClient, 'DownloadArtifact'>,
  model: string,
  version: number,
  file: string,
  deadline: Date,
): Promise<Buffer> {
  const stream = client.DownloadArtifact({ model, version, file }, { deadline });
  const chunks: Buffer[] = [];
  for await (const part of stream as AsyncIterable<{ part?: string; chunk?: Buffer }>) {
    if (part.part === 'chunk' && part.chunk) chunks.push(part.chunk);
  }
  return Buffer.concat(chunks);
}
