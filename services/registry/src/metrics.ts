import { Counter, Gauge, Histogram, type Registry } from '@maas/metrics';
import type { Repository } from './repository';

/** Upload outcomes (bounded label values). */
export type UploadOutcome = 'ok' | 'invalid' | 'checksum_mismatch' | 'too_large' | 'aborted' | 'denied' | 'error';

/** The registry's own metrics. */
export interface RegistryMetrics {
  uploadDurationSeconds: Histogram<'outcome'>;
  uploadsTotal: Counter<'outcome'>;
  downloadBytesTotal: Counter;
}

const UPLOAD_BUCKETS_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/**
 * Registers the registry metrics. The stored-bytes and version gauges are computed from the repository at
 * scrape time, so they can never drift from what is on disk.
 */
export function registryMetrics(registry: Registry, repository: () => Repository | undefined): RegistryMetrics {
  new Gauge({
    name: 'maas_registry_artifact_bytes',
    help: 'Bytes of stored model artifacts (model.onnx and side files), by model',
    labelNames: ['model'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of repository()?.stats() ?? []) this.set({ model: s.model }, s.artifactBytes);
    },
  });
  new Gauge({
    name: 'maas_registry_versions',
    help: 'Stored model versions, by model',
    labelNames: ['model'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of repository()?.stats() ?? []) this.set({ model: s.model }, s.versions);
    },
  });
  return {
    uploadDurationSeconds: new Histogram({
      name: 'maas_registry_upload_duration_seconds',
      help: 'Time from the first upload message to commit or refusal, by outcome',
      labelNames: ['outcome'],
      buckets: UPLOAD_BUCKETS_SECONDS,
      registers: [registry],
    }),
    uploadsTotal: new Counter({
      name: 'maas_registry_uploads_total',
      help: 'Version uploads by outcome (ok, invalid, checksum_mismatch, too_large, aborted, denied, error)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    downloadBytesTotal: new Counter({
      name: 'maas_registry_artifact_download_bytes_total',
      help: 'Artifact bytes sent by DownloadArtifact',
      registers: [registry],
    }),
  };
}
