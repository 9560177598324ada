// Original file: protos/maas/registry/v1/registry.proto

import type { TensorSpec as _maas_registry_v1_TensorSpec, TensorSpec__Output as _maas_registry_v1_TensorSpec__Output } from '../../../maas/registry/v1/TensorSpec';
import type { VersionConfig as _maas_registry_v1_VersionConfig, VersionConfig__Output as _maas_registry_v1_VersionConfig__Output } from '../../../maas/registry/v1/VersionConfig';
import type { ArtifactFile as _maas_registry_v1_ArtifactFile, ArtifactFile__Output as _maas_registry_v1_ArtifactFile__Output } from '../../../maas/registry/v1/ArtifactFile';
import type { Long } from '@grpc/proto-loader';

export interface ModelVersion {
  'model'?: (string);
  'version'?: (number | string | Long);
  'sha256'?: (string);
  'size_bytes'?: (number | string | Long);
  'inputs'?: (_maas_registry_v1_TensorSpec)[];
  'outputs'?: (_maas_registry_v1_TensorSpec)[];
  'batch_dim'?: (boolean);
  'config'?: (_maas_registry_v1_VersionConfig | null);
  'user_metadata'?: ({[key: string]: string});
  'created_unix_ms'?: (number | string | Long);
  'artifact_kind'?: (string);
  'files'?: (_maas_registry_v1_ArtifactFile)[];
}

export interface ModelVersion__Output {
  'model': (string);
  'version': (number);
  'sha256': (string);
  'size_bytes': (number);
  'inputs': (_maas_registry_v1_TensorSpec__Output)[];
  'outputs': (_maas_registry_v1_TensorSpec__Output)[];
  'batch_dim': (boolean);
  'config': (_maas_registry_v1_VersionConfig__Output | null);
  'user_metadata': ({[key: string]: string});
  'created_unix_ms': (number);
  'artifact_kind': (string);
  'files': (_maas_registry_v1_ArtifactFile__Output)[];
}
