// Original file: protos/maas/registry/v1/registry.proto


export interface ListModelsRequest {
  'owner_tenant'?: (string);
}

export interface ListModelsRequest__Output {
  'owner_tenant': (string);
}
