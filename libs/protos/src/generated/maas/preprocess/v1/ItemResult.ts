// Original file: protos/maas/preprocess/v1/preprocess.proto

import type { ClassScore as _maas_preprocess_v1_ClassScore, ClassScore__Output as _maas_preprocess_v1_ClassScore__Output } from '../../../maas/preprocess/v1/ClassScore';
import type { Long } from '@grpc/proto-loader';

export interface ItemResult {
  'label'?: (string);
  'score'?: (number | string);
  'class_index'?: (number | string | Long);
  'top_k'?: (_maas_preprocess_v1_ClassScore)[];
  'text'?: (string);
  'error'?: (string);
}

export interface ItemResult__Output {
  'label': (string);
  'score': (number);
  'class_index': (number);
  'top_k': (_maas_preprocess_v1_ClassScore__Output)[];
  'text': (string);
  'error': (string);
}
