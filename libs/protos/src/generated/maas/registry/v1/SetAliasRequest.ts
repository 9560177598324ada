// Original file: protos/maas/registry/v1/registry.proto

import type { AliasTarget as _maas_registry_v1_AliasTarget, AliasTarget__Output as _maas_registry_v1_AliasTarget__Output } from '../../../maas/registry/v1/AliasTarget';

export interface SetAliasRequest {
  'model'?: (string);
  'name'?: (string);
  'targets'?: (_maas_registry_v1_AliasTarget)[];
}

export interface SetAliasRequest__Output {
  'model': (string);
  'name': (string);
  'targets': (_maas_registry_v1_AliasTarget__Output)[];
}
