// Original file: protos/maas/registry/v1/registry.proto


export interface DeleteAliasRequest {
  'model'?: (string);
  'name'?: (string);
}

export interface DeleteAliasRequest__Output {
  'model': (string);
  'name': (string);
}
