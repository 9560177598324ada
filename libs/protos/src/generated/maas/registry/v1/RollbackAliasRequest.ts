// Original file: protos/maas/registry/v1/registry.proto


export interface RollbackAliasRequest {
  'model'?: (string);
  'name'?: (string);
}

export interface RollbackAliasRequest__Output {
  'model': (string);
  'name': (string);
}
