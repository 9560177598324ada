import { bytes, string } from '@maas/config';

/** The registry's own settings (the common ones come from @maas/runtime). */
export const registrySettings = {
  registryRoot: string('.run/models', 'model repository root on disk (a PVC in Kubernetes)'),
  registryMaxArtifactBytes: bytes(2 * 2 ** 30, 'largest accepted artifact upload'),
};
