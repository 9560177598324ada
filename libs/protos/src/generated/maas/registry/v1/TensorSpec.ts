// Original file: protos/maas/registry/v1/registry.proto

import type { Long } from '@grpc/proto-loader';

export interface TensorSpec {
  'name'?: (string);
  'datatype'?: (string);
  'shape'?: (number | string | Long)[];
}

export interface TensorSpec__Output {
  'name': (string);
  'datatype': (string);
  'shape': (number)[];
}
