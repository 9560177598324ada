// Original file: protos/maas/registry/v1/registry.proto

import type { Long } from '@grpc/proto-loader';

export interface ResolveRequest {
  'model'?: (string);
  'version'?: (number | string | Long);
  'alias'?: (string);
}

export interface ResolveRequest__Output {
  'model': (string);
  'version': (number);
  'alias': (string);
}
