// Original file: protos/maas/registry/v1/registry.proto


export interface ListVersionsRequest {
  'model'?: (string);
}

export interface ListVersionsRequest__Output {
  'model': (string);
}
