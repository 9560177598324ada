import type { PipelineShareRun } from './pipeline-share';
import type { BenchConfig } from './config';
import type { LatencySummaryMs } from './stats';

/** Raw ONNX Runtime in-process: one batch size of the throughput sweep. */
export interface RawBatchPoint {
  batchSize: number;
  runs: number;
  itemsPerSecond: number;
  /** Latency of one session.run of the whole batch. */
  latencyMs: LatencySummaryMs;
}

/** Raw ONNX Runtime in-process, the floor everything else is compared with. */
export interface RawResult {
  /** session.run at batch 1, one after another (inputs built once). */
  latencyBatch1Ms: LatencySummaryMs;
  sweep: RawBatchPoint[];
  bestBatchSize: number;
  /** Items per second at the best batch size. */
  throughputItemsPerSecond: number;
}

/** A served target: maas or the peer, with dynamic batching on or off. */
export type ServingVariant = 'maas-batched' | 'maas-unbatched' | 'peer-batched' | 'peer-unbatched';

/** One closed-loop run against a served model (every request carries one item, batch 1). */
export interface ServingRun {
  variant: ServingVariant;
  concurrency: number;
  durationS: number;
  requests: number;
  errors: number;
  errorKinds: Record<string, { count: number; message: string }>;
  throughputPerSecond: number;
  latencyMs: LatencySummaryMs;
  /**
   * CPU time per completed request, ms, by server process (children included; from /proc), over the whole
   * run including warm-up. Contention on a shared machine stretches latency but hardly this.
   */
  cpuMsPerRequest?: Record<string, number>;
}

/** The ratios the issue asks for, per model (null where a side was not measured). */
export interface ModelRatios {
  /** maas p50 at concurrency 1 minus raw batch-1 p50, ms (the platform's added latency), per variant. */
  overheadP50Ms: { batched: number | null; unbatched: number | null };
  /** The same at p99. */
  overheadP99Ms: { batched: number | null; unbatched: number | null };
  /** Best maas throughput (any variant, any concurrency) / raw throughput at the best batch size. */
  throughputVsRaw: number | null;
  /** Best maas throughput / best peer throughput. */
  throughputVsPeer: number | null;
  /** maas p99 / peer p99, same variant kind and concurrency, by concurrency (batched variants; c1 unbatched). */
  p99VsPeer: Record<string, number>;
}

/** Everything measured for one model. */
export interface ModelResult {
  model: string;
  description: string;
  /** Shape of one request's input(s), batch dim included. */
  requestShapes: Record<string, number[]>;
  raw: RawResult | null;
  runs: ServingRun[];
  ratios: ModelRatios;
}

/** The machine the numbers were taken on. */
export interface MachineInfo {
  cpuModel: string;
  cpus: number;
  totalMemoryBytes: number;
  platform: string;
  node: string;
  onnxruntimeNode: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
}

/** The file bench/results/<timestamp>.json. */
export interface BenchResults {
  schema: 'maas-bench/v1';
  startedAt: string;
  finishedAt: string;
  machine: MachineInfo;
  config: BenchConfig;
  loadGenerator: string;
  peer: string;
  notes: string[];
  models: ModelResult[];
  /** ocr-cls behind its image pipeline: what share of end-to-end time preprocessing takes. */
  pipelineShare?: PipelineShareRun[];
}
