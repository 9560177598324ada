// Original file: protos/maas/registry/v1/registry.proto

import type { Model as _maas_registry_v1_Model, Model__Output as _maas_registry_v1_Model__Output } from '../../../maas/registry/v1/Model';

export interface ListModelsResponse {
  'models'?: (_maas_registry_v1_Model)[];
}

export interface ListModelsResponse__Output {
  'models': (_maas_registry_v1_Model__Output)[];
}
