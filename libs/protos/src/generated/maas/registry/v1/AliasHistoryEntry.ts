// Original file: protos/maas/registry/v1/registry.proto

import type { AliasTarget as _maas_registry_v1_AliasTarget, AliasTarget__Output as _maas_registry_v1_AliasTarget__Output } from '../../../maas/registry/v1/AliasTarget';
import type { Long } from '@grpc/proto-loader';

export interface AliasHistoryEntry {
  'targets'?: (_maas_registry_v1_AliasTarget)[];
  'unix_ms'?: (number | string | Long);
  'actor'?: (string);
}

export interface AliasHistoryEntry__Output {
  'targets': (_maas_registry_v1_AliasTarget__Output)[];
  'unix_ms': (number);
  'actor': (string);
}
