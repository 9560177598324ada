// Original file: protos/maas/registry/v1/registry.proto

import type { Long } from '@grpc/proto-loader';

export interface AuditEntry {
  'unix_ms'?: (number | string | Long);
  'actor'?: (string);
  'action'?: (string);
  'model'?: (string);
  'version'?: (number | string | Long);
  'detail'?: (string);
  'actor_note'?: (string);
}

export interface AuditEntry__Output {
  'unix_ms': (number);
  'actor': (string);
  'action': (string);
  'model': (string);
  'version': (number);
  'detail': (string);
  'actor_note': (string);
}
