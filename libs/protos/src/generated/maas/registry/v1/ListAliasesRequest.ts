// Original file: protos/maas/registry/v1/registry.proto


export interface ListAliasesRequest {
  'model'?: (string);
}

export interface ListAliasesRequest__Output {
  'model': (string);
}
