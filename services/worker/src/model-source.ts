/** How a version wants to be run: batching and ONNX Runtime settings (from its registry config). */
export interface VersionSettings {
  /** 0 = no batch dimension: jobs run one by one. */
  maxBatchSize: number;
  dynamicBatching: boolean;
  maxQueueDelayUs: number;
  preferredBatchSizes: number[];
  /** Empty = the worker's default (MAAS_WORKER_EXECUTION_PROVIDERS). */
  executionProviders: string[];
  intraOpThreads: number;
  interOpThreads: number;
  graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
}

/** What the worker knows of one model version. */
export interface VersionInfo {
  model: string;
  version: number;
  sha256: string;
  sizeBytes: number;
  /** Dim 0 of every input and output is a dynamic batch dimension. */
  batchDim: boolean;
  settings: VersionSettings;
}

/** A change the worker must react to (registry Watch events, or RESYNC after a lost feed). */
export interface SourceEvent {
  kind: 'VERSION_ADDED' | 'VERSION_REMOVED' | 'CONFIG_CHANGED' | 'ALIAS_CHANGED' | 'MODEL_CREATED' | 'MODEL_DELETED' | 'RESYNC';
  model: string;
  version: number;
}

/**
 * Where models come from. The registry in production (RegistryModelSource); a folder for single-host
 * runs and tests (FileModelSource). Everything the worker needs goes through here.
 */
export interface ModelSource {
  /** Every model name (for MAAS_WORKER_MODELS=*). */
  listModels(): Promise<string[]>;
  /** The versions of a model to serve now: every alias target (canary splits included) plus the latest. */
  currentVersions(model: string): Promise<number[]>;
  getVersion(model: string, version: number): Promise<VersionInfo>;
  /** A local path of the version's model.onnx, downloaded and sha256-verified when needed. */
  fetchArtifact(info: VersionInfo): Promise<string>;
  /** Follows changes; returns a function that stops following. */
  watch(onEvent: (event: SourceEvent) => void): () => void;
  close(): void;
}

/** Defaults of a version without explicit settings. */
export const DEFAULT_VERSION_SETTINGS: VersionSettings = {
  maxBatchSize: 0,
  dynamicBatching: false,
  maxQueueDelayUs: 0,
  preferredBatchSizes: [],
  executionProviders: [],
  intraOpThreads: 0,
  interOpThreads: 0,
  graphOptimizationLevel: 'all',
};

/** Registry-shaped (snake_case) version config, as in protos/maas/registry/v1 VersionConfig. */
export interface VersionConfigJson {
  batching?: { max_batch_size?: number; dynamic_batching?: boolean; max_queue_delay_us?: number; preferred_batch_sizes?: number[] } | null;
  runtime?: { execution_providers?: string[]; intra_op_threads?: number; inter_op_threads?: number; graph_optimization_level?: string } | null;
}

const LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;

/** VersionSettings from a registry VersionConfig (missing parts take the defaults). */
export function settingsFromConfig(config: VersionConfigJson | null | undefined): VersionSettings {
  const b = config?.batching ?? {};
  const r = config?.runtime ?? {};
  const level = (LEVELS as readonly string[]).includes(r.graph_optimization_level ?? '') ? (r.graph_optimization_level as VersionSettings['graphOptimizationLevel']) : 'all';
  return {
    maxBatchSize: b.max_batch_size ?? 0,
    dynamicBatching: b.dynamic_batching ?? false,
    maxQueueDelayUs: b.max_queue_delay_us ?? 0,
    preferredBatchSizes: [...(b.preferred_batch_sizes ?? [])],
    executionProviders: [...(r.execution_providers ?? [])],
    intraOpThreads: r.intra_op_threads ?? 0,
    interOpThreads: r.inter_op_threads ?? 0,
    graphOptimizationLevel: level,
  };
}

/** Whether two settings need a new ORT session (runtime part differs). */
export function runtimeChanged(a: VersionSettings, b: VersionSettings): boolean {
  return a.executionProviders.join() !== b.executionProviders.join() || a.intraOpThreads !== b.intraOpThreads || a.interOpThreads !== b.interOpThreads || a.graphOptimizationLevel !== b.graphOptimizationLevel;
}

/** "model:version", the key of a served version. */
export function versionKey(model: string, version: number): string {
  return `${model}:${version}`;
}
