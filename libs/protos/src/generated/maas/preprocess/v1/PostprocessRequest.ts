// Original file: protos/maas/preprocess/v1/preprocess.proto

import type { PipelineRef as _maas_preprocess_v1_PipelineRef, PipelineRef__Output as _maas_preprocess_v1_PipelineRef__Output } from '../../../maas/preprocess/v1/PipelineRef';
import type { Tensor as _maas_preprocess_v1_Tensor, Tensor__Output as _maas_preprocess_v1_Tensor__Output } from '../../../maas/preprocess/v1/Tensor';
import type { DroppedItem as _maas_preprocess_v1_DroppedItem, DroppedItem__Output as _maas_preprocess_v1_DroppedItem__Output } from '../../../maas/preprocess/v1/DroppedItem';

export interface PostprocessRequest {
  'pipeline'?: (_maas_preprocess_v1_PipelineRef | null);
  'outputs'?: (_maas_preprocess_v1_Tensor)[];
  'item_count'?: (number);
  'kept_items'?: (number)[];
  'dropped'?: (_maas_preprocess_v1_DroppedItem)[];
}

export interface PostprocessRequest__Output {
  'pipeline': (_maas_preprocess_v1_PipelineRef__Output | null);
  'outputs': (_maas_preprocess_v1_Tensor__Output)[];
  'item_count': (number);
  'kept_items': (number)[];
  'dropped': (_maas_preprocess_v1_DroppedItem__Output)[];
}
