// Original file: protos/maas/registry/v1/registry.proto

import type { ArtifactFile as _maas_registry_v1_ArtifactFile, ArtifactFile__Output as _maas_registry_v1_ArtifactFile__Output } from '../../../maas/registry/v1/ArtifactFile';

export interface DownloadArtifactResponse {
  'header'?: (_maas_registry_v1_ArtifactFile | null);
  'chunk'?: (Buffer | Uint8Array | string);
  'part'?: "header"|"chunk";
}

export interface DownloadArtifactResponse__Output {
  'header'?: (_maas_registry_v1_ArtifactFile__Output | null);
  'chunk'?: (Buffer);
  'part'?: "header"|"chunk";
}
