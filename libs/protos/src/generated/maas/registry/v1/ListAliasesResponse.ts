// Original file: protos/maas/registry/v1/registry.proto

import type { Alias as _maas_registry_v1_Alias, Alias__Output as _maas_registry_v1_Alias__Output } from '../../../maas/registry/v1/Alias';

export interface ListAliasesResponse {
  'aliases'?: (_maas_registry_v1_Alias)[];
}

export interface ListAliasesResponse__Output {
  'aliases': (_maas_registry_v1_Alias__Output)[];
}
