// Original file: protos/maas/registry/v1/registry.proto

import type { Long } from '@grpc/proto-loader';

export interface Model {
  'name'?: (string);
  'description'?: (string);
  'tags'?: ({[key: string]: string});
  'owner_tenant'?: (string);
  'created_unix_ms'?: (number | string | Long);
  'latest_version'?: (number | string | Long);
  'versions'?: (number | string | Long)[];
}

export interface Model__Output {
  'name': (string);
  'description': (string);
  'tags': ({[key: string]: string});
  'owner_tenant': (string);
  'created_unix_ms': (number);
  'latest_version': (number);
  'versions': (number)[];
}
