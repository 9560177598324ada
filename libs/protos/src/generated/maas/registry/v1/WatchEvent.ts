// Original file: protos/maas/registry/v1/registry.proto

import type { WatchEventKind as _maas_registry_v1_WatchEventKind, WatchEventKind__Output as _maas_registry_v1_WatchEventKind__Output } from '../../../maas/registry/v1/WatchEventKind';
import type { Long } from '@grpc/proto-loader';

export interface WatchEvent {
  'token'?: (string);
  'kind'?: (_maas_registry_v1_WatchEventKind);
  'model'?: (string);
  'version'?: (number | string | Long);
  'alias'?: (string);
  'unix_ms'?: (number | string | Long);
  'actor'?: (string);
}

export interface WatchEvent__Output {
  'token': (string);
  'kind': (_maas_registry_v1_WatchEventKind__Output);
  'model': (string);
  'version': (number);
  'alias': (string);
  'unix_ms': (number);
  'actor': (string);
}
