// Original file: protos/maas/preprocess/v1/preprocess.proto

import type { Long } from '@grpc/proto-loader';

export interface Tensor {
  'name'?: (string);
  'datatype'?: (string);
  'shape'?: (number | string | Long)[];
  'raw_contents'?: (Buffer | Uint8Array | string);
}

export interface Tensor__Output {
  'name': (string);
  'datatype': (string);
  'shape': (number)[];
  'raw_contents': (Buffer);
}
