// Original file: protos/maas/preprocess/v1/preprocess.proto

import type { Long } from '@grpc/proto-loader';

export interface ClassScore {
  'index'?: (number | string | Long);
  'label'?: (string);
  'score'?: (number | string);
}

export interface ClassScore__Output {
  'index': (number);
  'label': (string);
  'score': (number);
}
