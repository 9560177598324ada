// Original file: protos/maas/preprocess/v1/preprocess.proto

import type { ItemResult as _maas_preprocess_v1_ItemResult, ItemResult__Output as _maas_preprocess_v1_ItemResult__Output } from '../../../maas/preprocess/v1/ItemResult';
import type { Tensor as _maas_preprocess_v1_Tensor, Tensor__Output as _maas_preprocess_v1_Tensor__Output } from '../../../maas/preprocess/v1/Tensor';

export interface PostprocessResponse {
  'results'?: (_maas_preprocess_v1_ItemResult)[];
  'tensors'?: (_maas_preprocess_v1_Tensor)[];
  'duration_seconds'?: (number | string);
}

export interface PostprocessResponse__Output {
  'results': (_maas_preprocess_v1_ItemResult__Output)[];
  'tensors': (_maas_preprocess_v1_Tensor__Output)[];
  'duration_seconds': (number);
}
