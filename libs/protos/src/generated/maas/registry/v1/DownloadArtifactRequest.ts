// Original file: protos/maas/registry/v1/registry.proto

import type { Long } from '@grpc/proto-loader';

export interface DownloadArtifactRequest {
  'model'?: (string);
  'version'?: (number | string | Long);
  'file'?: (string);
}

export interface DownloadArtifactRequest__Output {
  'model': (string);
  'version': (number);
  'file': (string);
}
