// Original file: protos/maas/preprocess/v1/preprocess.proto

import type { TensorDescription as _maas_preprocess_v1_TensorDescription, TensorDescription__Output as _maas_preprocess_v1_TensorDescription__Output } from '../../../maas/preprocess/v1/TensorDescription';

export interface DescribePipelineResponse {
  'input_kind'?: (string);
  'inputs'?: (_maas_preprocess_v1_TensorDescription)[];
  'model_inputs'?: (_maas_preprocess_v1_TensorDescription)[];
  'outputs'?: (_maas_preprocess_v1_TensorDescription)[];
  'spec_json'?: (string);
}

export interface DescribePipelineResponse__Output {
  'input_kind': (string);
  'inputs': (_maas_preprocess_v1_TensorDescription__Output)[];
  'model_inputs': (_maas_preprocess_v1_TensorDescription__Output)[];
  'outputs': (_maas_preprocess_v1_TensorDescription__Output)[];
  'spec_json': (string);
}
