// Original file: protos/maas/registry/v1/registry.proto


export interface DeleteModelRequest {
  'name'?: (string);
  'force'?: (boolean);
}

export interface DeleteModelRequest__Output {
  'name': (string);
  'force': (boolean);
}
