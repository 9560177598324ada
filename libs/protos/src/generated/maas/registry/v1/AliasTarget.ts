// Original file: protos/maas/registry/v1/registry.proto

import type { Long } from '@grpc/proto-loader';

export interface AliasTarget {
  'version'?: (number | string | Long);
  'weight'?: (number);
}

export interface AliasTarget__Output {
  'version': (number);
  'weight': (number);
}
