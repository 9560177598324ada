import { authSettings } from '@maas/auth';
import { bytes, integer, string } from '@maas/config';

/** The registry's own settings (the common ones come from @maas/runtime). */
export const registrySettings = {
  registryRoot: string('.run/models', 'model repository root on disk (a PVC in Kubernetes)'),
  registryMaxArtifactBytes: bytes(2 * 2 ** 30, 'largest accepted artifact upload (ONNX file or bundle)'),
  registryWatchHistoryEvents: integer(10_000, 'change-feed events kept in memory for Watch resume tokens', 1, 10_000_000),
  registryWatchHeartbeatMs: integer(5_000, 'interval of HEARTBEAT events on every Watch stream', 100, 600_000),
  registryUploadIdleTimeoutMs: integer(60_000, 'an upload stream silent for this long is aborted and cleaned up', 100, 3_600_000),
  ...authSettings,
  registryAliasHistoryEntries: integer(50, 'earlier targets kept per alias for rollback', 1, 10_000),
};
