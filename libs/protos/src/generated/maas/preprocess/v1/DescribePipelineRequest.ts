// Original file: protos/maas/preprocess/v1/preprocess.proto

import type { PipelineRef as _maas_preprocess_v1_PipelineRef, PipelineRef__Output as _maas_preprocess_v1_PipelineRef__Output } from '../../../maas/preprocess/v1/PipelineRef';

export interface DescribePipelineRequest {
  'pipeline'?: (_maas_preprocess_v1_PipelineRef | null);
}

export interface DescribePipelineRequest__Output {
  'pipeline': (_maas_preprocess_v1_PipelineRef__Output | null);
}
