// Original file: protos/maas/registry/v1/registry.proto

import type { AuditEntry as _maas_registry_v1_AuditEntry, AuditEntry__Output as _maas_registry_v1_AuditEntry__Output } from '../../../maas/registry/v1/AuditEntry';

export interface ListAuditLogResponse {
  'entries'?: (_maas_registry_v1_AuditEntry)[];
}

export interface ListAuditLogResponse__Output {
  'entries': (_maas_registry_v1_AuditEntry__Output)[];
}
