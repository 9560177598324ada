import * as fs from 'node:fs';
import * as path from 'node:path';
import * as protoLoader from '@grpc/proto-loader';
import * as grpc from '@grpc/grpc-js';

/**
 * Folder holding every .proto of the project: $MAAS_PROTO_ROOT, else the package's own `protos/` (where `make dist`
 * puts them in the installable tarballs), else the repo's `protos/` (copied next to dist in images).
 */
export const PROTO_ROOT: string =
  process.env['MAAS_PROTO_ROOT'] ?? [path.resolve(__dirname, '../protos'), path.resolve(__dirname, '../../../protos')].find((dir) => fs.existsSync(dir)) ?? path.resolve(__dirname, '../../../protos');

/**
 * The one set of loader options used everywhere: keep proto field names (snake_case, as in the published
 * Open Inference Protocol), 64-bit integers as JS numbers (shapes and counts stay below 2^53), enums as
 * strings, defaults filled in. scripts/gen-protos.sh generates the types with the same options.
 */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  arrays: true,
  includeDirs: [PROTO_ROOT],
};

/** Loads .proto files (paths relative to PROTO_ROOT) with the shared options. */
export function loadProtos(files: readonly string[]): protoLoader.PackageDefinition {
  return protoLoader.loadSync(
    files.map((f) => path.join(PROTO_ROOT, f)),
    LOADER_OPTIONS,
  );
}

/** Loads .proto files and returns the grpc-js object tree typed as the caller's generated ProtoGrpcType. */
export function loadGrpcObject<T>(files: readonly string[]): { packageDefinition: protoLoader.PackageDefinition; grpcObject: T } {
  const packageDefinition = loadProtos(files);
  return { packageDefinition, grpcObject: grpc.loadPackageDefinition(packageDefinition) as unknown as T };
}
export * from './inference';
export * from './registry';
export * from './preprocess';

// maas.registry.v1 (protos/maas/registry/v1/registry.proto): the grpc object type and every message.
export type { ProtoGrpcType as RegistryProtoGrpcType } from './generated/registry';
export type { ModelRegistryClient, ModelRegistryDefinition, ModelRegistryHandlers } from './generated/maas/registry/v1/ModelRegistry';
export type { Alias, Alias__Output } from './generated/maas/registry/v1/Alias';
export type { AliasHistoryEntry, AliasHistoryEntry__Output } from './generated/maas/registry/v1/AliasHistoryEntry';
export type { AliasTarget, AliasTarget__Output } from './generated/maas/registry/v1/AliasTarget';
export type { ArtifactFile, ArtifactFile__Output } from './generated/maas/registry/v1/ArtifactFile';
export type { AuditEntry, AuditEntry__Output } from './generated/maas/registry/v1/AuditEntry';
export type { BatchingConfig, BatchingConfig__Output } from './generated/maas/registry/v1/BatchingConfig';
export type { CreateModelRequest, CreateModelRequest__Output } from './generated/maas/registry/v1/CreateModelRequest';
export type { DeleteAliasRequest, DeleteAliasRequest__Output } from './generated/maas/registry/v1/DeleteAliasRequest';
export type { DeleteAliasResponse, DeleteAliasResponse__Output } from './generated/maas/registry/v1/DeleteAliasResponse';
export type { DeleteModelRequest, DeleteModelRequest__Output } from './generated/maas/registry/v1/DeleteModelRequest';
export type { DeleteModelResponse, DeleteModelResponse__Output } from './generated/maas/registry/v1/DeleteModelResponse';
export type { DeleteVersionRequest, DeleteVersionRequest__Output } from './generated/maas/registry/v1/DeleteVersionRequest';
export type { DeleteVersionResponse, DeleteVersionResponse__Output } from './generated/maas/registry/v1/DeleteVersionResponse';
export type { DownloadArtifactRequest, DownloadArtifactRequest__Output } from './generated/maas/registry/v1/DownloadArtifactRequest';
export type { DownloadArtifactResponse, DownloadArtifactResponse__Output } from './generated/maas/registry/v1/DownloadArtifactResponse';
export type { GetAliasRequest, GetAliasRequest__Output } from './generated/maas/registry/v1/GetAliasRequest';
export type { GetModelRequest, GetModelRequest__Output } from './generated/maas/registry/v1/GetModelRequest';
export type { GetVersionRequest, GetVersionRequest__Output } from './generated/maas/registry/v1/GetVersionRequest';
export type { ListAliasesRequest, ListAliasesRequest__Output } from './generated/maas/registry/v1/ListAliasesRequest';
export type { ListAliasesResponse, ListAliasesResponse__Output } from './generated/maas/registry/v1/ListAliasesResponse';
export type { ListAuditLogRequest, ListAuditLogRequest__Output } from './generated/maas/registry/v1/ListAuditLogRequest';
export type { ListAuditLogResponse, ListAuditLogResponse__Output } from './generated/maas/registry/v1/ListAuditLogResponse';
export type { ListModelsRequest, ListModelsRequest__Output } from './generated/maas/registry/v1/ListModelsRequest';
export type { ListModelsResponse, ListModelsResponse__Output } from './generated/maas/registry/v1/ListModelsResponse';
export type { ListVersionsRequest, ListVersionsRequest__Output } from './generated/maas/registry/v1/ListVersionsRequest';
export type { ListVersionsResponse, ListVersionsResponse__Output } from './generated/maas/registry/v1/ListVersionsResponse';
export type { Model, Model__Output } from './generated/maas/registry/v1/Model';
export type { ModelVersion, ModelVersion__Output } from './generated/maas/registry/v1/ModelVersion';
export type { ResolveRequest, ResolveRequest__Output } from './generated/maas/registry/v1/ResolveRequest';
export type { ResolveResponse, ResolveResponse__Output } from './generated/maas/registry/v1/ResolveResponse';
export type { RollbackAliasRequest, RollbackAliasRequest__Output } from './generated/maas/registry/v1/RollbackAliasRequest';
export type { RuntimeConfig, RuntimeConfig__Output } from './generated/maas/registry/v1/RuntimeConfig';
export type { SetAliasRequest, SetAliasRequest__Output } from './generated/maas/registry/v1/SetAliasRequest';
export type { TensorSpec, TensorSpec__Output } from './generated/maas/registry/v1/TensorSpec';
export type { UpdateVersionConfigRequest, UpdateVersionConfigRequest__Output } from './generated/maas/registry/v1/UpdateVersionConfigRequest';
export type { UploadMetadata, UploadMetadata__Output } from './generated/maas/registry/v1/UploadMetadata';
export type { UploadVersionRequest, UploadVersionRequest__Output } from './generated/maas/registry/v1/UploadVersionRequest';
export type { VersionConfig, VersionConfig__Output } from './generated/maas/registry/v1/VersionConfig';
export type { WatchEvent, WatchEvent__Output } from './generated/maas/registry/v1/WatchEvent';
export type { WatchEventKind, WatchEventKind__Output } from './generated/maas/registry/v1/WatchEventKind';
export type { WatchRequest, WatchRequest__Output } from './generated/maas/registry/v1/WatchRequest';
