// Original file: protos/maas/registry/v1/registry.proto

import type { ModelVersion as _maas_registry_v1_ModelVersion, ModelVersion__Output as _maas_registry_v1_ModelVersion__Output } from '../../../maas/registry/v1/ModelVersion';

export interface ListVersionsResponse {
  'versions'?: (_maas_registry_v1_ModelVersion)[];
}

export interface ListVersionsResponse__Output {
  'versions': (_maas_registry_v1_ModelVersion__Output)[];
}
