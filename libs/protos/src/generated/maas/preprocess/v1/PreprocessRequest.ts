// Original file: protos/maas/preprocess/v1/preprocess.proto

import type { PipelineRef as _maas_preprocess_v1_PipelineRef, PipelineRef__Output as _maas_preprocess_v1_PipelineRef__Output } from '../../../maas/preprocess/v1/PipelineRef';
import type { RawItem as _maas_preprocess_v1_RawItem, RawItem__Output as _maas_preprocess_v1_RawItem__Output } from '../../../maas/preprocess/v1/RawItem';

export interface PreprocessRequest {
  'pipeline'?: (_maas_preprocess_v1_PipelineRef | null);
  'items'?: (_maas_preprocess_v1_RawItem)[];
}

export interface PreprocessRequest__Output {
  'pipeline': (_maas_preprocess_v1_PipelineRef__Output | null);
  'items': (_maas_preprocess_v1_RawItem__Output)[];
}
