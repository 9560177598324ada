// Original file: protos/maas/preprocess/v1/preprocess.proto

import type { Long } from '@grpc/proto-loader';

export interface PipelineRef {
  'model'?: (string);
  'version'?: (number | string | Long);
  'spec_json'?: (string);
  'files'?: ({[key: string]: Buffer | Uint8Array | string});
}

export interface PipelineRef__Output {
  'model': (string);
  'version': (number);
  'spec_json': (string);
  'files': ({[key: string]: Buffer});
}
