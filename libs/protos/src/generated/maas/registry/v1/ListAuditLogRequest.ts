// Original file: protos/maas/registry/v1/registry.proto


export interface ListAuditLogRequest {
  'model'?: (string);
  'limit'?: (number);
}

export interface ListAuditLogRequest__Output {
  'model': (string);
  'limit': (number);
}
