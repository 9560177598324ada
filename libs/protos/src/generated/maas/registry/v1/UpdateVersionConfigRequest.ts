// Original file: protos/maas/registry/v1/registry.proto

import type { VersionConfig as _maas_registry_v1_VersionConfig, VersionConfig__Output as _maas_registry_v1_VersionConfig__Output } from '../../../maas/registry/v1/VersionConfig';
import type { Long } from '@grpc/proto-loader';

export interface UpdateVersionConfigRequest {
  'model'?: (string);
  'version'?: (number | string | Long);
  'config'?: (_maas_registry_v1_VersionConfig | null);
}

export interface UpdateVersionConfigRequest__Output {
  'model': (string);
  'version': (number);
  'config': (_maas_registry_v1_VersionConfig__Output | null);
}
