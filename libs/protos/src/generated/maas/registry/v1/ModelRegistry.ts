// Original file: protos/maas/registry/v1/registry.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { Alias as _maas_registry_v1_Alias, Alias__Output as _maas_registry_v1_Alias__Output } from '../../../maas/registry/v1/Alias';
import type { CreateModelRequest as _maas_registry_v1_CreateModelRequest, CreateModelRequest__Output as _maas_registry_v1_CreateModelRequest__Output } from '../../../maas/registry/v1/CreateModelRequest';
import type { DeleteAliasRequest as _maas_registry_v1_DeleteAliasRequest, DeleteAliasRequest__Output as _maas_registry_v1_DeleteAliasRequest__Output } from '../../../maas/registry/v1/DeleteAliasRequest';
import type { DeleteAliasResponse as _maas_registry_v1_DeleteAliasResponse, DeleteAliasResponse__Output as _maas_registry_v1_DeleteAliasResponse__Output } from '../../../maas/registry/v1/DeleteAliasResponse';
import type { DeleteModelRequest as _maas_registry_v1_DeleteModelRequest, DeleteModelRequest__Output as _maas_registry_v1_DeleteModelRequest__Output } from '../../../maas/registry/v1/DeleteModelRequest';
import type { DeleteModelResponse as _maas_registry_v1_DeleteModelResponse, DeleteModelResponse__Output as _maas_registry_v1_DeleteModelResponse__Output } from '../../../maas/registry/v1/DeleteModelResponse';
import type { DeleteVersionRequest as _maas_registry_v1_DeleteVersionRequest, DeleteVersionRequest__Output as _maas_registry_v1_DeleteVersionRequest__Output } from '../../../maas/registry/v1/DeleteVersionRequest';
import type { DeleteVersionResponse as _maas_registry_v1_DeleteVersionResponse, DeleteVersionResponse__Output as _maas_registry_v1_DeleteVersionResponse__Output } from '../../../maas/registry/v1/DeleteVersionResponse';
import type { DownloadArtifactRequest as _maas_registry_v1_DownloadArtifactRequest, DownloadArtifactRequest__Output as _maas_registry_v1_DownloadArtifactRequest__Output } from '../../../maas/registry/v1/DownloadArtifactRequest';
import type { DownloadArtifactResponse as _maas_registry_v1_DownloadArtifactResponse, DownloadArtifactResponse__Output as _maas_registry_v1_DownloadArtifactResponse__Output } from '../../../maas/registry/v1/DownloadArtifactResponse';
import type { GetAliasRequest as _maas_registry_v1_GetAliasRequest, GetAliasRequest__Output as _maas_registry_v1_GetAliasRequest__Output } from '../../../maas/registry/v1/GetAliasRequest';
import type { GetModelRequest as _maas_registry_v1_GetModelRequest, GetModelRequest__Output as _maas_registry_v1_GetModelRequest__Output } from '../../../maas/registry/v1/GetModelRequest';
import type { GetVersionRequest as _maas_registry_v1_GetVersionRequest, GetVersionRequest__Output as _maas_registry_v1_GetVersionRequest__Output } from '../../../maas/registry/v1/GetVersionRequest';
import type { ListAliasesRequest as _maas_registry_v1_ListAliasesRequest, ListAliasesRequest__Output as _maas_registry_v1_ListAliasesRequest__Output } from '../../../maas/registry/v1/ListAliasesRequest';
import type { ListAliasesResponse as _maas_registry_v1_ListAliasesResponse, ListAliasesResponse__Output as _maas_registry_v1_ListAliasesResponse__Output } from '../../../maas/registry/v1/ListAliasesResponse';
import type { ListAuditLogRequest as _maas_registry_v1_ListAuditLogRequest, ListAuditLogRequest__Output as _maas_registry_v1_ListAuditLogRequest__Output } from '../../../maas/registry/v1/ListAuditLogRequest';
import type { ListAuditLogResponse as _maas_registry_v1_ListAuditLogResponse, ListAuditLogResponse__Output as _maas_registry_v1_ListAuditLogResponse__Output } from '../../../maas/registry/v1/ListAuditLogResponse';
import type { ListModelsRequest as _maas_registry_v1_ListModelsRequest, ListModelsRequest__Output as _maas_registry_v1_ListModelsRequest__Output } from '../../../maas/registry/v1/ListModelsRequest';
import type { ListModelsResponse as _maas_registry_v1_ListModelsResponse, ListModelsResponse__Output as _maas_registry_v1_ListModelsResponse__Output } from '../../../maas/registry/v1/ListModelsResponse';
import type { ListVersionsRequest as _maas_registry_v1_ListVersionsRequest, ListVersionsRequest__Output as _maas_registry_v1_ListVersionsRequest__Output } from '../../../maas/registry/v1/ListVersionsRequest';
import type { ListVersionsResponse as _maas_registry_v1_ListVersionsResponse, ListVersionsResponse__Output as _maas_registry_v1_ListVersionsResponse__Output } from '../../../maas/registry/v1/ListVersionsResponse';
import type { Model as _maas_registry_v1_Model, Model__Output as _maas_registry_v1_Model__Output } from '../../../maas/registry/v1/Model';
import type { ModelVersion as _maas_registry_v1_ModelVersion, ModelVersion__Output as _maas_registry_v1_ModelVersion__Output } from '../../../maas/registry/v1/ModelVersion';
import type { ResolveRequest as _maas_registry_v1_ResolveRequest, ResolveRequest__Output as _maas_registry_v1_ResolveRequest__Output } from '../../../maas/registry/v1/ResolveRequest';
import type { ResolveResponse as _maas_registry_v1_ResolveResponse, ResolveResponse__Output as _maas_registry_v1_ResolveResponse__Output } from '../../../maas/registry/v1/ResolveResponse';
import type { RollbackAliasRequest as _maas_registry_v1_RollbackAliasRequest, RollbackAliasRequest__Output as _maas_registry_v1_RollbackAliasRequest__Output } from '../../../maas/registry/v1/RollbackAliasRequest';
import type { SetAliasRequest as _maas_registry_v1_SetAliasRequest, SetAliasRequest__Output as _maas_registry_v1_SetAliasRequest__Output } from '../../../maas/registry/v1/SetAliasRequest';
import type { UpdateVersionConfigRequest as _maas_registry_v1_UpdateVersionConfigRequest, UpdateVersionConfigRequest__Output as _maas_registry_v1_UpdateVersionConfigRequest__Output } from '../../../maas/registry/v1/UpdateVersionConfigRequest';
import type { UploadVersionRequest as _maas_registry_v1_UploadVersionRequest, UploadVersionRequest__Output as _maas_registry_v1_UploadVersionRequest__Output } from '../../../maas/registry/v1/UploadVersionRequest';
import type { WatchEvent as _maas_registry_v1_WatchEvent, WatchEvent__Output as _maas_registry_v1_WatchEvent__Output } from '../../../maas/registry/v1/WatchEvent';
import type { WatchRequest as _maas_registry_v1_WatchRequest, WatchRequest__Output as _maas_registry_v1_WatchRequest__Output } from '../../../maas/registry/v1/WatchRequest';

export interface ModelRegistryClient extends grpc.Client {
  CreateModel(argument: _maas_registry_v1_CreateModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_Model__Output>): grpc.ClientUnaryCall;
  CreateModel(argument: _maas_registry_v1_CreateModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_Model__Output>): grpc.ClientUnaryCall;
  CreateModel(argument: _maas_registry_v1_CreateModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_Model__Output>): grpc.ClientUnaryCall;
  CreateModel(argument: _maas_registry_v1_CreateModelRequest, callback: grpc.requestCallback<_maas_registry_v1_Model__Output>): grpc.ClientUnaryCall;
  createModel(argument: _maas_registry_v1_CreateModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_Model__Output>): grpc.ClientUnaryCall;
  createModel(argument: _maas_registry_v1_CreateModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_Model__Output>): grpc.ClientUnaryCall;
  createModel(argument: _maas_registry_v1_CreateModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_Model__Output>): grpc.ClientUnaryCall;
  createModel(argument: _maas_registry_v1_CreateModelRequest, callback: grpc.requestCallback<_maas_registry_v1_Model__Output>): grpc.ClientUnaryCall;
  
  DeleteAlias(argument: _maas_registry_v1_DeleteAliasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_DeleteAliasResponse__Output>): grpc.ClientUnaryCall;
  DeleteAlias(argument: _maas_registry_v1_DeleteAliasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_DeleteAliasResponse__Output>): grpc.ClientUnaryCall;
  DeleteAlias(argument: _maas_registry_v1_DeleteAliasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_DeleteAliasResponse__Output>): grpc.ClientUnaryCall;
  DeleteAlias(argument: _maas_registry_v1_DeleteAliasRequest, callback: grpc.requestCallback<_maas_registry_v1_DeleteAliasResponse__Output>): grpc.ClientUnaryCall;
  deleteAlias(argument: _maas_registry_v1_DeleteAliasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_DeleteAliasResponse__Output>): grpc.ClientUnaryCall;
  deleteAlias(argument: _maas_registry_v1_DeleteAliasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_DeleteAliasResponse__Output>): grpc.ClientUnaryCall;
  deleteAlias(argument: _maas_registry_v1_DeleteAliasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_DeleteAliasResponse__Output>): grpc.ClientUnaryCall;
  deleteAlias(argument: _maas_registry_v1_DeleteAliasRequest, callback: grpc.requestCallback<_maas_registry_v1_DeleteAliasResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteModel(argument: _maas_registry_v1_DeleteModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_DeleteModelResponse__Output>): grpc.ClientUnaryCall;
  DeleteModel(argument: _maas_registry_v1_DeleteModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_DeleteModelResponse__Output>): grpc.ClientUnaryCall;
  DeleteModel(argument: _maas_registry_v1_DeleteModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_DeleteModelResponse__Output>): grpc.ClientUnaryCall;
  DeleteModel(argument: _maas_registry_v1_DeleteModelRequest, callback: grpc.requestCallback<_maas_registry_v1_DeleteModelResponse__Output>): grpc.ClientUnaryCall;
  deleteModel(argument: _maas_registry_v1_DeleteModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_DeleteModelResponse__Output>): grpc.ClientUnaryCall;
  deleteModel(argument: _maas_registry_v1_DeleteModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_DeleteModelResponse__Output>): grpc.ClientUnaryCall;
  deleteModel(argument: _maas_registry_v1_DeleteModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_DeleteModelResponse__Output>): grpc.ClientUnaryCall;
  deleteModel(argument: _maas_registry_v1_DeleteModelRequest, callback: grpc.requestCallback<_maas_registry_v1_DeleteModelResponse__Output>): grpc.ClientUnaryCall;
  
  DeleteVersion(argument: _maas_registry_v1_DeleteVersionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_DeleteVersionResponse__Output>): grpc.ClientUnaryCall;
  DeleteVersion(argument: _maas_registry_v1_DeleteVersionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_DeleteVersionResponse__Output>): grpc.ClientUnaryCall;
  DeleteVersion(argument: _maas_registry_v1_DeleteVersionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_DeleteVersionResponse__Output>): grpc.ClientUnaryCall;
  DeleteVersion(argument: _maas_registry_v1_DeleteVersionRequest, callback: grpc.requestCallback<_maas_registry_v1_DeleteVersionResponse__Output>): grpc.ClientUnaryCall;
  deleteVersion(argument: _maas_registry_v1_DeleteVersionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_DeleteVersionResponse__Output>): grpc.ClientUnaryCall;
  deleteVersion(argument: _maas_registry_v1_DeleteVersionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_DeleteVersionResponse__Output>): grpc.ClientUnaryCall;
  deleteVersion(argument: _maas_registry_v1_DeleteVersionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_DeleteVersionResponse__Output>): grpc.ClientUnaryCall;
  deleteVersion(argument: _maas_registry_v1_DeleteVersionRequest, callback: grpc.requestCallback<_maas_registry_v1_DeleteVersionResponse__Output>): grpc.ClientUnaryCall;
  
  DownloadArtifact(argument: _maas_registry_v1_DownloadArtifactRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_maas_registry_v1_DownloadArtifactResponse__Output>;
  DownloadArtifact(argument: _maas_registry_v1_DownloadArtifactRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_maas_registry_v1_DownloadArtifactResponse__Output>;
  downloadArtifact(argument: _maas_registry_v1_DownloadArtifactRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_maas_registry_v1_DownloadArtifactResponse__Output>;
  downloadArtifact(argument: _maas_registry_v1_DownloadArtifactRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_maas_registry_v1_DownloadArtifactResponse__Output>;
  
  GetAlias(argument: _maas_registry_v1_GetAliasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_Alias__Output>): grpc.ClientUnaryCall;
  GetAlias(argument: _maas_registry_v1_GetAliasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_Alias__Output>): grpc.ClientUnaryCall;
  GetAlias(argument: _maas_registry_v1_GetAliasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_Alias__Output>): grpc.ClientUnaryCall;
  GetAlias(argument: _maas_registry_v1_GetAliasRequest, callback: grpc.requestCallback<_maas_registry_v1_Alias__Output>): grpc.ClientUnaryCall;
  getAlias(argument: _maas_registry_v1_GetAliasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_Alias__Output>): grpc.ClientUnaryCall;
  getAlias(argument: _maas_registry_v1_GetAliasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_Alias__Output>): grpc.ClientUnaryCall;
  getAlias(argument: _maas_registry_v1_GetAliasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_Alias__Output>): grpc.ClientUnaryCall;
  getAlias(argument: _maas_registry_v1_GetAliasRequest, callback: grpc.requestCallback<_maas_registry_v1_Alias__Output>): grpc.ClientUnaryCall;
  
  GetModel(argument: _maas_registry_v1_GetModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_Model__Output>): grpc.ClientUnaryCall;
  GetModel(argument: _maas_registry_v1_GetModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_Model__Output>): grpc.ClientUnaryCall;
  GetModel(argument: _maas_registry_v1_GetModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_Model__Output>): grpc.ClientUnaryCall;
  GetModel(argument: _maas_registry_v1_GetModelRequest, callback: grpc.requestCallback<_maas_registry_v1_Model__Output>): grpc.ClientUnaryCall;
  getModel(argument: _maas_registry_v1_GetModelRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_Model__Output>): grpc.ClientUnaryCall;
  getModel(argument: _maas_registry_v1_GetModelRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_Model__Output>): grpc.ClientUnaryCall;
  getModel(argument: _maas_registry_v1_GetModelRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_Model__Output>): grpc.ClientUnaryCall;
  getModel(argument: _maas_registry_v1_GetModelRequest, callback: grpc.requestCallback<_maas_registry_v1_Model__Output>): grpc.ClientUnaryCall;
  
  GetVersion(argument: _maas_registry_v1_GetVersionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ModelVersion__Output>): grpc.ClientUnaryCall;
  GetVersion(argument: _maas_registry_v1_GetVersionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_ModelVersion__Output>): grpc.ClientUnaryCall;
  GetVersion(argument: _maas_registry_v1_GetVersionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ModelVersion__Output>): grpc.ClientUnaryCall;
  GetVersion(argument: _maas_registry_v1_GetVersionRequest, callback: grpc.requestCallback<_maas_registry_v1_ModelVersion__Output>): grpc.ClientUnaryCall;
  getVersion(argument: _maas_registry_v1_GetVersionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ModelVersion__Output>): grpc.ClientUnaryCall;
  getVersion(argument: _maas_registry_v1_GetVersionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_ModelVersion__Output>): grpc.ClientUnaryCall;
  getVersion(argument: _maas_registry_v1_GetVersionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ModelVersion__Output>): grpc.ClientUnaryCall;
  getVersion(argument: _maas_registry_v1_GetVersionRequest, callback: grpc.requestCallback<_maas_registry_v1_ModelVersion__Output>): grpc.ClientUnaryCall;
  
  ListAliases(argument: _maas_registry_v1_ListAliasesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ListAliasesResponse__Output>): grpc.ClientUnaryCall;
  ListAliases(argument: _maas_registry_v1_ListAliasesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_ListAliasesResponse__Output>): grpc.ClientUnaryCall;
  ListAliases(argument: _maas_registry_v1_ListAliasesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ListAliasesResponse__Output>): grpc.ClientUnaryCall;
  ListAliases(argument: _maas_registry_v1_ListAliasesRequest, callback: grpc.requestCallback<_maas_registry_v1_ListAliasesResponse__Output>): grpc.ClientUnaryCall;
  listAliases(argument: _maas_registry_v1_ListAliasesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ListAliasesResponse__Output>): grpc.ClientUnaryCall;
  listAliases(argument: _maas_registry_v1_ListAliasesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_ListAliasesResponse__Output>): grpc.ClientUnaryCall;
  listAliases(argument: _maas_registry_v1_ListAliasesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ListAliasesResponse__Output>): grpc.ClientUnaryCall;
  listAliases(argument: _maas_registry_v1_ListAliasesRequest, callback: grpc.requestCallback<_maas_registry_v1_ListAliasesResponse__Output>): grpc.ClientUnaryCall;
  
  ListAuditLog(argument: _maas_registry_v1_ListAuditLogRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ListAuditLogResponse__Output>): grpc.ClientUnaryCall;
  ListAuditLog(argument: _maas_registry_v1_ListAuditLogRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_ListAuditLogResponse__Output>): grpc.ClientUnaryCall;
  ListAuditLog(argument: _maas_registry_v1_ListAuditLogRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ListAuditLogResponse__Output>): grpc.ClientUnaryCall;
  ListAuditLog(argument: _maas_registry_v1_ListAuditLogRequest, callback: grpc.requestCallback<_maas_registry_v1_ListAuditLogResponse__Output>): grpc.ClientUnaryCall;
  listAuditLog(argument: _maas_registry_v1_ListAuditLogRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ListAuditLogResponse__Output>): grpc.ClientUnaryCall;
  listAuditLog(argument: _maas_registry_v1_ListAuditLogRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_ListAuditLogResponse__Output>): grpc.ClientUnaryCall;
  listAuditLog(argument: _maas_registry_v1_ListAuditLogRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ListAuditLogResponse__Output>): grpc.ClientUnaryCall;
  listAuditLog(argument: _maas_registry_v1_ListAuditLogRequest, callback: grpc.requestCallback<_maas_registry_v1_ListAuditLogResponse__Output>): grpc.ClientUnaryCall;
  
  ListModels(argument: _maas_registry_v1_ListModelsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  ListModels(argument: _maas_registry_v1_ListModelsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  ListModels(argument: _maas_registry_v1_ListModelsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  ListModels(argument: _maas_registry_v1_ListModelsRequest, callback: grpc.requestCallback<_maas_registry_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  listModels(argument: _maas_registry_v1_ListModelsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  listModels(argument: _maas_registry_v1_ListModelsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  listModels(argument: _maas_registry_v1_ListModelsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  listModels(argument: _maas_registry_v1_ListModelsRequest, callback: grpc.requestCallback<_maas_registry_v1_ListModelsResponse__Output>): grpc.ClientUnaryCall;
  
  ListVersions(argument: _maas_registry_v1_ListVersionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ListVersionsResponse__Output>): grpc.ClientUnaryCall;
  ListVersions(argument: _maas_registry_v1_ListVersionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_ListVersionsResponse__Output>): grpc.ClientUnaryCall;
  ListVersions(argument: _maas_registry_v1_ListVersionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ListVersionsResponse__Output>): grpc.ClientUnaryCall;
  ListVersions(argument: _maas_registry_v1_ListVersionsRequest, callback: grpc.requestCallback<_maas_registry_v1_ListVersionsResponse__Output>): grpc.ClientUnaryCall;
  listVersions(argument: _maas_registry_v1_ListVersionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ListVersionsResponse__Output>): grpc.ClientUnaryCall;
  listVersions(argument: _maas_registry_v1_ListVersionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_ListVersionsResponse__Output>): grpc.ClientUnaryCall;
  listVersions(argument: _maas_registry_v1_ListVersionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ListVersionsResponse__Output>): grpc.ClientUnaryCall;
  listVersions(argument: _maas_registry_v1_ListVersionsRequest, callback: grpc.requestCallback<_maas_registry_v1_ListVersionsResponse__Output>): grpc.ClientUnaryCall;
  
  Resolve(argument: _maas_registry_v1_ResolveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ResolveResponse__Output>): grpc.ClientUnaryCall;
  Resolve(argument: _maas_registry_v1_ResolveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_ResolveResponse__Output>): grpc.ClientUnaryCall;
  Resolve(argument: _maas_registry_v1_ResolveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ResolveResponse__Output>): grpc.ClientUnaryCall;
  Resolve(argument: _maas_registry_v1_ResolveRequest, callback: grpc.requestCallback<_maas_registry_v1_ResolveResponse__Output>): grpc.ClientUnaryCall;
  resolve(argument: _maas_registry_v1_ResolveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ResolveResponse__Output>): grpc.ClientUnaryCall;
  resolve(argument: _maas_registry_v1_ResolveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_ResolveResponse__Output>): grpc.ClientUnaryCall;
  resolve(argument: _maas_registry_v1_ResolveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ResolveResponse__Output>): grpc.ClientUnaryCall;
  resolve(argument: _maas_registry_v1_ResolveRequest, callback: grpc.requestCallback<_maas_registry_v1_ResolveResponse__Output>): grpc.ClientUnaryCall;
  
  RollbackAlias(argument: _maas_registry_v1_RollbackAliasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_Alias__Output>): grpc.ClientUnaryCall;
  RollbackAlias(argument: _maas_registry_v1_RollbackAliasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_Alias__Output>): grpc.ClientUnaryCall;
  RollbackAlias(argument: _maas_registry_v1_RollbackAliasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_Alias__Output>): grpc.ClientUnaryCall;
  RollbackAlias(argument: _maas_registry_v1_RollbackAliasRequest, callback: grpc.requestCallback<_maas_registry_v1_Alias__Output>): grpc.ClientUnaryCall;
  rollbackAlias(argument: _maas_registry_v1_RollbackAliasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_Alias__Output>): grpc.ClientUnaryCall;
  rollbackAlias(argument: _maas_registry_v1_RollbackAliasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_Alias__Output>): grpc.ClientUnaryCall;
  rollbackAlias(argument: _maas_registry_v1_RollbackAliasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_Alias__Output>): grpc.ClientUnaryCall;
  rollbackAlias(argument: _maas_registry_v1_RollbackAliasRequest, callback: grpc.requestCallback<_maas_registry_v1_Alias__Output>): grpc.ClientUnaryCall;
  
  SetAlias(argument: _maas_registry_v1_SetAliasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_Alias__Output>): grpc.ClientUnaryCall;
  SetAlias(argument: _maas_registry_v1_SetAliasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_Alias__Output>): grpc.ClientUnaryCall;
  SetAlias(argument: _maas_registry_v1_SetAliasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_Alias__Output>): grpc.ClientUnaryCall;
  SetAlias(argument: _maas_registry_v1_SetAliasRequest, callback: grpc.requestCallback<_maas_registry_v1_Alias__Output>): grpc.ClientUnaryCall;
  setAlias(argument: _maas_registry_v1_SetAliasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_Alias__Output>): grpc.ClientUnaryCall;
  setAlias(argument: _maas_registry_v1_SetAliasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_Alias__Output>): grpc.ClientUnaryCall;
  setAlias(argument: _maas_registry_v1_SetAliasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_Alias__Output>): grpc.ClientUnaryCall;
  setAlias(argument: _maas_registry_v1_SetAliasRequest, callback: grpc.requestCallback<_maas_registry_v1_Alias__Output>): grpc.ClientUnaryCall;
  
  UpdateVersionConfig(argument: _maas_registry_v1_UpdateVersionConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ModelVersion__Output>): grpc.ClientUnaryCall;
  UpdateVersionConfig(argument: _maas_registry_v1_UpdateVersionConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_ModelVersion__Output>): grpc.ClientUnaryCall;
  UpdateVersionConfig(argument: _maas_registry_v1_UpdateVersionConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ModelVersion__Output>): grpc.ClientUnaryCall;
  UpdateVersionConfig(argument: _maas_registry_v1_UpdateVersionConfigRequest, callback: grpc.requestCallback<_maas_registry_v1_ModelVersion__Output>): grpc.ClientUnaryCall;
  updateVersionConfig(argument: _maas_registry_v1_UpdateVersionConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ModelVersion__Output>): grpc.ClientUnaryCall;
  updateVersionConfig(argument: _maas_registry_v1_UpdateVersionConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_ModelVersion__Output>): grpc.ClientUnaryCall;
  updateVersionConfig(argument: _maas_registry_v1_UpdateVersionConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ModelVersion__Output>): grpc.ClientUnaryCall;
  updateVersionConfig(argument: _maas_registry_v1_UpdateVersionConfigRequest, callback: grpc.requestCallback<_maas_registry_v1_ModelVersion__Output>): grpc.ClientUnaryCall;
  
  UploadVersion(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ModelVersion__Output>): grpc.ClientWritableStream<_maas_registry_v1_UploadVersionRequest>;
  UploadVersion(metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_ModelVersion__Output>): grpc.ClientWritableStream<_maas_registry_v1_UploadVersionRequest>;
  UploadVersion(options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ModelVersion__Output>): grpc.ClientWritableStream<_maas_registry_v1_UploadVersionRequest>;
  UploadVersion(callback: grpc.requestCallback<_maas_registry_v1_ModelVersion__Output>): grpc.ClientWritableStream<_maas_registry_v1_UploadVersionRequest>;
  uploadVersion(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ModelVersion__Output>): grpc.ClientWritableStream<_maas_registry_v1_UploadVersionRequest>;
  uploadVersion(metadata: grpc.Metadata, callback: grpc.requestCallback<_maas_registry_v1_ModelVersion__Output>): grpc.ClientWritableStream<_maas_registry_v1_UploadVersionRequest>;
  uploadVersion(options: grpc.CallOptions, callback: grpc.requestCallback<_maas_registry_v1_ModelVersion__Output>): grpc.ClientWritableStream<_maas_registry_v1_UploadVersionRequest>;
  uploadVersion(callback: grpc.requestCallback<_maas_registry_v1_ModelVersion__Output>): grpc.ClientWritableStream<_maas_registry_v1_UploadVersionRequest>;
  
  Watch(argument: _maas_registry_v1_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_maas_registry_v1_WatchEvent__Output>;
  Watch(argument: _maas_registry_v1_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_maas_registry_v1_WatchEvent__Output>;
  watch(argument: _maas_registry_v1_WatchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_maas_registry_v1_WatchEvent__Output>;
  watch(argument: _maas_registry_v1_WatchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_maas_registry_v1_WatchEvent__Output>;
  
}

export interface ModelRegistryHandlers extends grpc.UntypedServiceImplementation {
  CreateModel: grpc.handleUnaryCall<_maas_registry_v1_CreateModelRequest__Output, _maas_registry_v1_Model>;
  
  DeleteAlias: grpc.handleUnaryCall<_maas_registry_v1_DeleteAliasRequest__Output, _maas_registry_v1_DeleteAliasResponse>;
  
  DeleteModel: grpc.handleUnaryCall<_maas_registry_v1_DeleteModelRequest__Output, _maas_registry_v1_DeleteModelResponse>;
  
  DeleteVersion: grpc.handleUnaryCall<_maas_registry_v1_DeleteVersionRequest__Output, _maas_registry_v1_DeleteVersionResponse>;
  
  DownloadArtifact: grpc.handleServerStreamingCall<_maas_registry_v1_DownloadArtifactRequest__Output, _maas_registry_v1_DownloadArtifactResponse>;
  
  GetAlias: grpc.handleUnaryCall<_maas_registry_v1_GetAliasRequest__Output, _maas_registry_v1_Alias>;
  
  GetModel: grpc.handleUnaryCall<_maas_registry_v1_GetModelRequest__Output, _maas_registry_v1_Model>;
  
  GetVersion: grpc.handleUnaryCall<_maas_registry_v1_GetVersionRequest__Output, _maas_registry_v1_ModelVersion>;
  
  ListAliases: grpc.handleUnaryCall<_maas_registry_v1_ListAliasesRequest__Output, _maas_registry_v1_ListAliasesResponse>;
  
  ListAuditLog: grpc.handleUnaryCall<_maas_registry_v1_ListAuditLogRequest__Output, _maas_registry_v1_ListAuditLogResponse>;
  
  ListModels: grpc.handleUnaryCall<_maas_registry_v1_ListModelsRequest__Output, _maas_registry_v1_ListModelsResponse>;
  
  ListVersions: grpc.handleUnaryCall<_maas_registry_v1_ListVersionsRequest__Output, _maas_registry_v1_ListVersionsResponse>;
  
  Resolve: grpc.handleUnaryCall<_maas_registry_v1_ResolveRequest__Output, _maas_registry_v1_ResolveResponse>;
  
  RollbackAlias: grpc.handleUnaryCall<_maas_registry_v1_RollbackAliasRequest__Output, _maas_registry_v1_Alias>;
  
  SetAlias: grpc.handleUnaryCall<_maas_registry_v1_SetAliasRequest__Output, _maas_registry_v1_Alias>;
  
  UpdateVersionConfig: grpc.handleUnaryCall<_maas_registry_v1_UpdateVersionConfigRequest__Output, _maas_registry_v1_ModelVersion>;
  
  UploadVersion: grpc.handleClientStreamingCall<_maas_registry_v1_UploadVersionRequest__Output, _maas_registry_v1_ModelVersion>;
  
  Watch: grpc.handleServerStreamingCall<_maas_registry_v1_WatchRequest__Output, _maas_registry_v1_WatchEvent>;
  
}

export interface ModelRegistryDefinition extends grpc.ServiceDefinition {
  CreateModel: MethodDefinition<_maas_registry_v1_CreateModelRequest, _maas_registry_v1_Model, _maas_registry_v1_CreateModelRequest__Output, _maas_registry_v1_Model__Output>
  DeleteAlias: MethodDefinition<_maas_registry_v1_DeleteAliasRequest, _maas_registry_v1_DeleteAliasResponse, _maas_registry_v1_DeleteAliasRequest__Output, _maas_registry_v1_DeleteAliasResponse__Output>
  DeleteModel: MethodDefinition<_maas_registry_v1_DeleteModelRequest, _maas_registry_v1_DeleteModelResponse, _maas_registry_v1_DeleteModelRequest__Output, _maas_registry_v1_DeleteModelResponse__Output>
  DeleteVersion: MethodDefinition<_maas_registry_v1_DeleteVersionRequest, _maas_registry_v1_DeleteVersionResponse, _maas_registry_v1_DeleteVersionRequest__Output, _maas_registry_v1_DeleteVersionResponse__Output>
  DownloadArtifact: MethodDefinition<_maas_registry_v1_DownloadArtifactRequest, _maas_registry_v1_DownloadArtifactResponse, _maas_registry_v1_DownloadArtifactRequest__Output, _maas_registry_v1_DownloadArtifactResponse__Output>
  GetAlias: MethodDefinition<_maas_registry_v1_GetAliasRequest, _maas_registry_v1_Alias, _maas_registry_v1_GetAliasRequest__Output, _maas_registry_v1_Alias__Output>
  GetModel: MethodDefinition<_maas_registry_v1_GetModelRequest, _maas_registry_v1_Model, _maas_registry_v1_GetModelRequest__Output, _maas_registry_v1_Model__Output>
  GetVersion: MethodDefinition<_maas_registry_v1_GetVersionRequest, _maas_registry_v1_ModelVersion, _maas_registry_v1_GetVersionRequest__Output, _maas_registry_v1_ModelVersion__Output>
  ListAliases: MethodDefinition<_maas_registry_v1_ListAliasesRequest, _maas_registry_v1_ListAliasesResponse, _maas_registry_v1_ListAliasesRequest__Output, _maas_registry_v1_ListAliasesResponse__Output>
  ListAuditLog: MethodDefinition<_maas_registry_v1_ListAuditLogRequest, _maas_registry_v1_ListAuditLogResponse, _maas_registry_v1_ListAuditLogRequest__Output, _maas_registry_v1_ListAuditLogResponse__Output>
  ListModels: MethodDefinition<_maas_registry_v1_ListModelsRequest, _maas_registry_v1_ListModelsResponse, _maas_registry_v1_ListModelsRequest__Output, _maas_registry_v1_ListModelsResponse__Output>
  ListVersions: MethodDefinition<_maas_registry_v1_ListVersionsRequest, _maas_registry_v1_ListVersionsResponse, _maas_registry_v1_ListVersionsRequest__Output, _maas_registry_v1_ListVersionsResponse__Output>
  Resolve: MethodDefinition<_maas_registry_v1_ResolveRequest, _maas_registry_v1_ResolveResponse, _maas_registry_v1_ResolveRequest__Output, _maas_registry_v1_ResolveResponse__Output>
  RollbackAlias: MethodDefinition<_maas_registry_v1_RollbackAliasRequest, _maas_registry_v1_Alias, _maas_registry_v1_RollbackAliasRequest__Output, _maas_registry_v1_Alias__Output>
  SetAlias: MethodDefinition<_maas_registry_v1_SetAliasRequest, _maas_registry_v1_Alias, _maas_registry_v1_SetAliasRequest__Output, _maas_registry_v1_Alias__Output>
  UpdateVersionConfig: MethodDefinition<_maas_registry_v1_UpdateVersionConfigRequest, _maas_registry_v1_ModelVersion, _maas_registry_v1_UpdateVersionConfigRequest__Output, _maas_registry_v1_ModelVersion__Output>
  UploadVersion: MethodDefinition<_maas_registry_v1_UploadVersionRequest, _maas_registry_v1_ModelVersion, _maas_registry_v1_UploadVersionRequest__Output, _maas_registry_v1_ModelVersion__Output>
  Watch: MethodDefinition<_maas_registry_v1_WatchRequest, _maas_registry_v1_WatchEvent, _maas_registry_v1_WatchRequest__Output, _maas_registry_v1_WatchEvent__Output>
}
