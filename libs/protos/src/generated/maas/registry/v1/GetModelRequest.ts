// Original file: protos/maas/registry/v1/registry.proto


export interface GetModelRequest {
  'name'?: (string);
}

export interface GetModelRequest__Output {
  'name': (string);
}
