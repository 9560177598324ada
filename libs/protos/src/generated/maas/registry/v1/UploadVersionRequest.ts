// Original file: protos/maas/registry/v1/registry.proto

import type { UploadMetadata as _maas_registry_v1_UploadMetadata, UploadMetadata__Output as _maas_registry_v1_UploadMetadata__Output } from '../../../maas/registry/v1/UploadMetadata';

export interface UploadVersionRequest {
  'metadata'?: (_maas_registry_v1_UploadMetadata | null);
  'chunk'?: (Buffer | Uint8Array | string);
  'part'?: "metadata"|"chunk";
}

export interface UploadVersionRequest__Output {
  'metadata'?: (_maas_registry_v1_UploadMetadata__Output | null);
  'chunk'?: (Buffer);
  'part'?: "metadata"|"chunk";
}
