// Original file: protos/maas/preprocess/v1/preprocess.proto

import type { Long } from '@grpc/proto-loader';

export interface TensorDescription {
  'name'?: (string);
  'datatype'?: (string);
  'shape'?: (number | string | Long)[];
}

export interface TensorDescription__Output {
  'name': (string);
  'datatype': (string);
  'shape': (number)[];
}
