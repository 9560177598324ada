// Original file: protos/maas/preprocess/v1/preprocess.proto

import type { Tensor as _maas_preprocess_v1_Tensor, Tensor__Output as _maas_preprocess_v1_Tensor__Output } from '../../../maas/preprocess/v1/Tensor';
import type { DroppedItem as _maas_preprocess_v1_DroppedItem, DroppedItem__Output as _maas_preprocess_v1_DroppedItem__Output } from '../../../maas/preprocess/v1/DroppedItem';

export interface PreprocessResponse {
  'tensors'?: (_maas_preprocess_v1_Tensor)[];
  'kept_items'?: (number)[];
  'dropped'?: (_maas_preprocess_v1_DroppedItem)[];
  'duration_seconds'?: (number | string);
}

export interface PreprocessResponse__Output {
  'tensors': (_maas_preprocess_v1_Tensor__Output)[];
  'kept_items': (number)[];
  'dropped': (_maas_preprocess_v1_DroppedItem__Output)[];
  'duration_seconds': (number);
}
