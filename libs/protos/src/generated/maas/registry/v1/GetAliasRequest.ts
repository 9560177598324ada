// Original file: protos/maas/registry/v1/registry.proto


export interface GetAliasRequest {
  'model'?: (string);
  'name'?: (string);
}

export interface GetAliasRequest__Output {
  'model': (string);
  'name': (string);
}
