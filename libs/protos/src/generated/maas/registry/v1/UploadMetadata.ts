// Original file: protos/maas/registry/v1/registry.proto

import type { VersionConfig as _maas_registry_v1_VersionConfig, VersionConfig__Output as _maas_registry_v1_VersionConfig__Output } from '../../../maas/registry/v1/VersionConfig';
import type { Long } from '@grpc/proto-loader';

export interface UploadMetadata {
  'model'?: (string);
  'sha256'?: (string);
  'size_bytes'?: (number | string | Long);
  'artifact_kind'?: (string);
  'config'?: (_maas_registry_v1_VersionConfig | null);
  'user_metadata'?: ({[key: string]: string});
  'create_model'?: (boolean);
  'alias'?: (string);
  'owner_tenant'?: (string);
}

export interface UploadMetadata__Output {
  'model': (string);
  'sha256': (string);
  'size_bytes': (number);
  'artifact_kind': (string);
  'config': (_maas_registry_v1_VersionConfig__Output | null);
  'user_metadata': ({[key: string]: string});
  'create_model': (boolean);
  'alias': (string);
  'owner_tenant': (string);
}
