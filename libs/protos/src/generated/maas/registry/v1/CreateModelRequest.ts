// Original file: protos/maas/registry/v1/registry.proto


export interface CreateModelRequest {
  'name'?: (string);
  'description'?: (string);
  'tags'?: ({[key: string]: string});
  'owner_tenant'?: (string);
}

export interface CreateModelRequest__Output {
  'name': (string);
  'description': (string);
  'tags': ({[key: string]: string});
  'owner_tenant': (string);
}
