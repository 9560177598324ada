// Original file: protos/maas/registry/v1/registry.proto

import type { AliasTarget as _maas_registry_v1_AliasTarget, AliasTarget__Output as _maas_registry_v1_AliasTarget__Output } from '../../../maas/registry/v1/AliasTarget';
import type { ModelVersion as _maas_registry_v1_ModelVersion, ModelVersion__Output as _maas_registry_v1_ModelVersion__Output } from '../../../maas/registry/v1/ModelVersion';

export interface ResolveResponse {
  'model'?: (string);
  'alias'?: (string);
  'targets'?: (_maas_registry_v1_AliasTarget)[];
  'versions'?: (_maas_registry_v1_ModelVersion)[];
}

export interface ResolveResponse__Output {
  'model': (string);
  'alias': (string);
  'targets': (_maas_registry_v1_AliasTarget__Output)[];
  'versions': (_maas_registry_v1_ModelVersion__Output)[];
}
