import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Alias as _maas_registry_v1_Alias, Alias__Output as _maas_registry_v1_Alias__Output } from './maas/registry/v1/Alias';
import type { AliasHistoryEntry as _maas_registry_v1_AliasHistoryEntry, AliasHistoryEntry__Output as _maas_registry_v1_AliasHistoryEntry__Output } from './maas/registry/v1/AliasHistoryEntry';
import type { AliasTarget as _maas_registry_v1_AliasTarget, AliasTarget__Output as _maas_registry_v1_AliasTarget__Output } from './maas/registry/v1/AliasTarget';
import type { ArtifactFile as _maas_registry_v1_ArtifactFile, ArtifactFile__Output as _maas_registry_v1_ArtifactFile__Output } from './maas/registry/v1/ArtifactFile';
import type { AuditEntry as _maas_registry_v1_AuditEntry, AuditEntry__Output as _maas_registry_v1_AuditEntry__Output } from './maas/registry/v1/AuditEntry';
import type { BatchingConfig as _maas_registry_v1_BatchingConfig, BatchingConfig__Output as _maas_registry_v1_BatchingConfig__Output } from './maas/registry/v1/BatchingConfig';
import type { CreateModelRequest as _maas_registry_v1_CreateModelRequest, CreateModelRequest__Output as _maas_registry_v1_CreateModelRequest__Output } from './maas/registry/v1/CreateModelRequest';
import type { DeleteAliasRequest as _maas_registry_v1_DeleteAliasRequest, DeleteAliasRequest__Output as _maas_registry_v1_DeleteAliasRequest__Output } from './maas/registry/v1/DeleteAliasRequest';
import type { DeleteAliasResponse as _maas_registry_v1_DeleteAliasResponse, DeleteAliasResponse__Output as _maas_registry_v1_DeleteAliasResponse__Output } from './maas/registry/v1/DeleteAliasResponse';
import type { DeleteModelRequest as _maas_registry_v1_DeleteModelRequest, DeleteModelRequest__Output as _maas_registry_v1_DeleteModelRequest__Output } from './maas/registry/v1/DeleteModelRequest';
import type { DeleteModelResponse as _maas_registry_v1_DeleteModelResponse, DeleteModelResponse__Output as _maas_registry_v1_DeleteModelResponse__Output } from './maas/registry/v1/DeleteModelResponse';
import type { DeleteVersionRequest as _maas_registry_v1_DeleteVersionRequest, DeleteVersionRequest__Output as _maas_registry_v1_DeleteVersionRequest__Output } from './maas/registry/v1/DeleteVersionRequest';
import type { DeleteVersionResponse as _maas_registry_v1_DeleteVersionResponse, DeleteVersionResponse__Output as _maas_registry_v1_DeleteVersionResponse__Output } from './maas/registry/v1/DeleteVersionResponse';
import type { DownloadArtifactRequest as _maas_registry_v1_DownloadArtifactRequest, DownloadArtifactRequest__Output as _maas_registry_v1_DownloadArtifactRequest__Output } from './maas/registry/v1/DownloadArtifactRequest';
import type { DownloadArtifactResponse as _maas_registry_v1_DownloadArtifactResponse, DownloadArtifactResponse__Output as _maas_registry_v1_DownloadArtifactResponse__Output } from './maas/registry/v1/DownloadArtifactResponse';
import type { GetAliasRequest as _maas_registry_v1_GetAliasRequest, GetAliasRequest__Output as _maas_registry_v1_GetAliasRequest__Output } from './maas/registry/v1/GetAliasRequest';
import type { GetModelRequest as _maas_registry_v1_GetModelRequest, GetModelRequest__Output as _maas_registry_v1_GetModelRequest__Output } from './maas/registry/v1/GetModelRequest';
import type { GetVersionRequest as _maas_registry_v1_GetVersionRequest, GetVersionRequest__Output as _maas_registry_v1_GetVersionRequest__Output } from './maas/registry/v1/GetVersionRequest';
import type { ListAliasesRequest as _maas_registry_v1_ListAliasesRequest, ListAliasesRequest__Output as _maas_registry_v1_ListAliasesRequest__Output } from './maas/registry/v1/ListAliasesRequest';
import type { ListAliasesResponse as _maas_registry_v1_ListAliasesResponse, ListAliasesResponse__Output as _maas_registry_v1_ListAliasesResponse__Output } from './maas/registry/v1/ListAliasesResponse';
import type { ListAuditLogRequest as _maas_registry_v1_ListAuditLogRequest, ListAuditLogRequest__Output as _maas_registry_v1_ListAuditLogRequest__Output } from './maas/registry/v1/ListAuditLogRequest';
import type { ListAuditLogResponse as _maas_registry_v1_ListAuditLogResponse, ListAuditLogResponse__Output as _maas_registry_v1_ListAuditLogResponse__Output } from './maas/registry/v1/ListAuditLogResponse';
import type { ListModelsRequest as _maas_registry_v1_ListModelsRequest, ListModelsRequest__Output as _maas_registry_v1_ListModelsRequest__Output } from './maas/registry/v1/ListModelsRequest';
import type { ListModelsResponse as _maas_registry_v1_ListModelsResponse, ListModelsResponse__Output as _maas_registry_v1_ListModelsResponse__Output } from './maas/registry/v1/ListModelsResponse';
import type { ListVersionsRequest as _maas_registry_v1_ListVersionsRequest, ListVersionsRequest__Output as _maas_registry_v1_ListVersionsRequest__Output } from './maas/registry/v1/ListVersionsRequest';
import type { ListVersionsResponse as _maas_registry_v1_ListVersionsResponse, ListVersionsResponse__Output as _maas_registry_v1_ListVersionsResponse__Output } from './maas/registry/v1/ListVersionsResponse';
import type { Model as _maas_registry_v1_Model, Model__Output as _maas_registry_v1_Model__Output } from './maas/registry/v1/Model';
import type { ModelRegistryClient as _maas_registry_v1_ModelRegistryClient, ModelRegistryDefinition as _maas_registry_v1_ModelRegistryDefinition } from './maas/registry/v1/ModelRegistry';
import type { ModelVersion as _maas_registry_v1_ModelVersion, ModelVersion__Output as _maas_registry_v1_ModelVersion__Output } from './maas/registry/v1/ModelVersion';
import type { ResolveRequest as _maas_registry_v1_ResolveRequest, ResolveRequest__Output as _maas_registry_v1_ResolveRequest__Output } from './maas/registry/v1/ResolveRequest';
import type { ResolveResponse as _maas_registry_v1_ResolveResponse, ResolveResponse__Output as _maas_registry_v1_ResolveResponse__Output } from './maas/registry/v1/ResolveResponse';
import type { RollbackAliasRequest as _maas_registry_v1_RollbackAliasRequest, RollbackAliasRequest__Output as _maas_registry_v1_RollbackAliasRequest__Output } from './maas/registry/v1/RollbackAliasRequest';
import type { RuntimeConfig as _maas_registry_v1_RuntimeConfig, RuntimeConfig__Output as _maas_registry_v1_RuntimeConfig__Output } from './maas/registry/v1/RuntimeConfig';
import type { SetAliasRequest as _maas_registry_v1_SetAliasRequest, SetAliasRequest__Output as _maas_registry_v1_SetAliasRequest__Output } from './maas/registry/v1/SetAliasRequest';
import type { TensorSpec as _maas_registry_v1_TensorSpec, TensorSpec__Output as _maas_registry_v1_TensorSpec__Output } from './maas/registry/v1/TensorSpec';
import type { UpdateVersionConfigRequest as _maas_registry_v1_UpdateVersionConfigRequest, UpdateVersionConfigRequest__Output as _maas_registry_v1_UpdateVersionConfigRequest__Output } from './maas/registry/v1/UpdateVersionConfigRequest';
import type { UploadMetadata as _maas_registry_v1_UploadMetadata, UploadMetadata__Output as _maas_registry_v1_UploadMetadata__Output } from './maas/registry/v1/UploadMetadata';
import type { UploadVersionRequest as _maas_registry_v1_UploadVersionRequest, UploadVersionRequest__Output as _maas_registry_v1_UploadVersionRequest__Output } from './maas/registry/v1/UploadVersionRequest';
import type { VersionConfig as _maas_registry_v1_VersionConfig, VersionConfig__Output as _maas_registry_v1_VersionConfig__Output } from './maas/registry/v1/VersionConfig';
import type { WatchEvent as _maas_registry_v1_WatchEvent, WatchEvent__Output as _maas_registry_v1_WatchEvent__Output } from './maas/registry/v1/WatchEvent';
import type { WatchRequest as _maas_registry_v1_WatchRequest, WatchRequest__Output as _maas_registry_v1_WatchRequest__Output } from './maas/registry/v1/WatchRequest';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  maas: {
    registry: {
      v1: {
        Alias: MessageTypeDefinition<_maas_registry_v1_Alias, _maas_registry_v1_Alias__Output>
        AliasHistoryEntry: MessageTypeDefinition<_maas_registry_v1_AliasHistoryEntry, _maas_registry_v1_AliasHistoryEntry__Output>
        AliasTarget: MessageTypeDefinition<_maas_registry_v1_AliasTarget, _maas_registry_v1_AliasTarget__Output>
        ArtifactFile: MessageTypeDefinition<_maas_registry_v1_ArtifactFile, _maas_registry_v1_ArtifactFile__Output>
        AuditEntry: MessageTypeDefinition<_maas_registry_v1_AuditEntry, _maas_registry_v1_AuditEntry__Output>
        BatchingConfig: MessageTypeDefinition<_maas_registry_v1_BatchingConfig, _maas_registry_v1_BatchingConfig__Output>
        CreateModelRequest: MessageTypeDefinition<_maas_registry_v1_CreateModelRequest, _maas_registry_v1_CreateModelRequest__Output>
        DeleteAliasRequest: MessageTypeDefinition<_maas_registry_v1_DeleteAliasRequest, _maas_registry_v1_DeleteAliasRequest__Output>
        DeleteAliasResponse: MessageTypeDefinition<_maas_registry_v1_DeleteAliasResponse, _maas_registry_v1_DeleteAliasResponse__Output>
        DeleteModelRequest: MessageTypeDefinition<_maas_registry_v1_DeleteModelRequest, _maas_registry_v1_DeleteModelRequest__Output>
        DeleteModelResponse: MessageTypeDefinition<_maas_registry_v1_DeleteModelResponse, _maas_registry_v1_DeleteModelResponse__Output>
        DeleteVersionRequest: MessageTypeDefinition<_maas_registry_v1_DeleteVersionRequest, _maas_registry_v1_DeleteVersionRequest__Output>
        DeleteVersionResponse: MessageTypeDefinition<_maas_registry_v1_DeleteVersionResponse, _maas_registry_v1_DeleteVersionResponse__Output>
        DownloadArtifactRequest: MessageTypeDefinition<_maas_registry_v1_DownloadArtifactRequest, _maas_registry_v1_DownloadArtifactRequest__Output>
        DownloadArtifactResponse: MessageTypeDefinition<_maas_registry_v1_DownloadArtifactResponse, _maas_registry_v1_DownloadArtifactResponse__Output>
        GetAliasRequest: MessageTypeDefinition<_maas_registry_v1_GetAliasRequest, _maas_registry_v1_GetAliasRequest__Output>
        GetModelRequest: MessageTypeDefinition<_maas_registry_v1_GetModelRequest, _maas_registry_v1_GetModelRequest__Output>
        GetVersionRequest: MessageTypeDefinition<_maas_registry_v1_GetVersionRequest, _maas_registry_v1_GetVersionRequest__Output>
        ListAliasesRequest: MessageTypeDefinition<_maas_registry_v1_ListAliasesRequest, _maas_registry_v1_ListAliasesRequest__Output>
        ListAliasesResponse: MessageTypeDefinition<_maas_registry_v1_ListAliasesResponse, _maas_registry_v1_ListAliasesResponse__Output>
        ListAuditLogRequest: MessageTypeDefinition<_maas_registry_v1_ListAuditLogRequest, _maas_registry_v1_ListAuditLogRequest__Output>
        ListAuditLogResponse: MessageTypeDefinition<_maas_registry_v1_ListAuditLogResponse, _maas_registry_v1_ListAuditLogResponse__Output>
        ListModelsRequest: MessageTypeDefinition<_maas_registry_v1_ListModelsRequest, _maas_registry_v1_ListModelsRequest__Output>
        ListModelsResponse: MessageTypeDefinition<_maas_registry_v1_ListModelsResponse, _maas_registry_v1_ListModelsResponse__Output>
        ListVersionsRequest: MessageTypeDefinition<_maas_registry_v1_ListVersionsRequest, _maas_registry_v1_ListVersionsRequest__Output>
        ListVersionsResponse: MessageTypeDefinition<_maas_registry_v1_ListVersionsResponse, _maas_registry_v1_ListVersionsResponse__Output>
        Model: MessageTypeDefinition<_maas_registry_v1_Model, _maas_registry_v1_Model__Output>
        ModelRegistry: SubtypeConstructor<typeof grpc.Client, _maas_registry_v1_ModelRegistryClient> & { service: _maas_registry_v1_ModelRegistryDefinition }
        ModelVersion: MessageTypeDefinition<_maas_registry_v1_ModelVersion, _maas_registry_v1_ModelVersion__Output>
        ResolveRequest: MessageTypeDefinition<_maas_registry_v1_ResolveRequest, _maas_registry_v1_ResolveRequest__Output>
        ResolveResponse: MessageTypeDefinition<_maas_registry_v1_ResolveResponse, _maas_registry_v1_ResolveResponse__Output>
        RollbackAliasRequest: MessageTypeDefinition<_maas_registry_v1_RollbackAliasRequest, _maas_registry_v1_RollbackAliasRequest__Output>
        RuntimeConfig: MessageTypeDefinition<_maas_registry_v1_RuntimeConfig, _maas_registry_v1_RuntimeConfig__Output>
        SetAliasRequest: MessageTypeDefinition<_maas_registry_v1_SetAliasRequest, _maas_registry_v1_SetAliasRequest__Output>
        TensorSpec: MessageTypeDefinition<_maas_registry_v1_TensorSpec, _maas_registry_v1_TensorSpec__Output>
        UpdateVersionConfigRequest: MessageTypeDefinition<_maas_registry_v1_UpdateVersionConfigRequest, _maas_registry_v1_UpdateVersionConfigRequest__Output>
        UploadMetadata: MessageTypeDefinition<_maas_registry_v1_UploadMetadata, _maas_registry_v1_UploadMetadata__Output>
        UploadVersionRequest: MessageTypeDefinition<_maas_registry_v1_UploadVersionRequest, _maas_registry_v1_UploadVersionRequest__Output>
        VersionConfig: MessageTypeDefinition<_maas_registry_v1_VersionConfig, _maas_registry_v1_VersionConfig__Output>
        WatchEvent: MessageTypeDefinition<_maas_registry_v1_WatchEvent, _maas_registry_v1_WatchEvent__Output>
        WatchEventKind: EnumTypeDefinition
        WatchRequest: MessageTypeDefinition<_maas_registry_v1_WatchRequest, _maas_registry_v1_WatchRequest__Output>
      }
    }
  }
}

