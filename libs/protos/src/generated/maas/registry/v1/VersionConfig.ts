// Original file: protos/maas/registry/v1/registry.proto

import type { BatchingConfig as _maas_registry_v1_BatchingConfig, BatchingConfig__Output as _maas_registry_v1_BatchingConfig__Output } from '../../../maas/registry/v1/BatchingConfig';
import type { RuntimeConfig as _maas_registry_v1_RuntimeConfig, RuntimeConfig__Output as _maas_registry_v1_RuntimeConfig__Output } from '../../../maas/registry/v1/RuntimeConfig';

export interface VersionConfig {
  'batching'?: (_maas_registry_v1_BatchingConfig | null);
  'runtime'?: (_maas_registry_v1_RuntimeConfig | null);
  'pipeline_json'?: (string);
  'labels'?: (string)[];
  'max_queue_depth'?: (number);
}

export interface VersionConfig__Output {
  'batching': (_maas_registry_v1_BatchingConfig__Output | null);
  'runtime': (_maas_registry_v1_RuntimeConfig__Output | null);
  'pipeline_json': (string);
  'labels': (string)[];
  'max_queue_depth': (number);
}
