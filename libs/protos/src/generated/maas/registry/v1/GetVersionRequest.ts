// Original file: protos/maas/registry/v1/registry.proto

import type { Long } from '@grpc/proto-loader';

export interface GetVersionRequest {
  'model'?: (string);
  'version'?: (number | string | Long);
}

export interface GetVersionRequest__Output {
  'model': (string);
  'version': (number);
}
