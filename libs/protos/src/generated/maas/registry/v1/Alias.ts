// Original file: protos/maas/registry/v1/registry.proto

import type { AliasTarget as _maas_registry_v1_AliasTarget, AliasTarget__Output as _maas_registry_v1_AliasTarget__Output } from '../../../maas/registry/v1/AliasTarget';
import type { AliasHistoryEntry as _maas_registry_v1_AliasHistoryEntry, AliasHistoryEntry__Output as _maas_registry_v1_AliasHistoryEntry__Output } from '../../../maas/registry/v1/AliasHistoryEntry';
import type { Long } from '@grpc/proto-loader';

export interface Alias {
  'model'?: (string);
  'name'?: (string);
  'targets'?: (_maas_registry_v1_AliasTarget)[];
  'updated_unix_ms'?: (number | string | Long);
  'revision'?: (number | string | Long);
  'history'?: (_maas_registry_v1_AliasHistoryEntry)[];
}

export interface Alias__Output {
  'model': (string);
  'name': (string);
  'targets': (_maas_registry_v1_AliasTarget__Output)[];
  'updated_unix_ms': (number);
  'revision': (number);
  'history': (_maas_registry_v1_AliasHistoryEntry__Output)[];
}
