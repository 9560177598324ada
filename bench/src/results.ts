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

/** The peer servers measured beside maas. */
export const PEER_NAMES = ['triton', 'kserve', 'mlserver'] as const;
/** One peer server. */
export type PeerName = (typeof PEER_NAMES)[number];
/** Every server measured: maas and its peers. */
export type ServerName = 'maas' | PeerName;
/** Dynamic batching on (`batched`) or off (`unbatched`). */
export type BatchingKind = 'batched' | 'unbatched';
/** A served target: a server with dynamic batching on or off. */
export type ServingVariant = `${ServerName}-${BatchingKind}`;

/** The server a variant belongs to. */
export function serverOf(variant: ServingVariant): ServerName {
  return variant.slice(0, variant.lastIndexOf('-')) as ServerName;
}

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
  /** maas against each peer measured. */
  vsPeers: Partial<Record<PeerName, PeerRatios>>;
}

/** maas over one peer (below 1: maas is faster or cheaper; above 1 for throughput: maas serves more). */
export interface PeerRatios {
  /** Best p50 at concurrency 1 (either variant) of maas / of the peer. */
  p50C1: number | null;
  /** Best throughput (any variant, any concurrency) of maas / of the peer. */
  throughput: number | null;
  /** Server CPU per request at the highest concurrency (the faster variant of each) of maas / of the peer. */
  cpuPerRequestTop: number | null;
  /** p99 of maas / of the peer, same variant kind and concurrency (batched variants; c1 unbatched). */
  p99: Record<string, number>;
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
  schema: 'maas-bench/v2';
  startedAt: string;
  finishedAt: string;
  machine: MachineInfo;
  config: BenchConfig;
  /** How the clients reached maas (absent in results written before it): mutual TLS (`--tls`, every client showing the dev client pair) or plaintext. Peers and floors are plaintext. */
  transport?: { maasTls: boolean; apiKey: boolean };
  loadGenerator: string;
  notes: string[];
  models: ModelResult[];
  /** ocr-cls behind its image pipeline: what share of end-to-end time preprocessing takes. */
  pipelineShare?: PipelineShareRun[];
  /** Each peer's versions and settings, by peer (absent: not measured). */
  peers?: Partial<Record<PeerName, string>>;
  /** What a request costs below any server: a bare gRPC echo, a Redis Streams request/reply, both chained. */
  floors?: FloorRun[];
  /** CPU each server burns while nothing is asked of it. */
  idle?: IdleRun[];
  /** ghz and the bench's load generator against the same target, so their numbers can be compared. */
  loadGeneratorCheck?: LoadGeneratorCheck[];
}

/** One floor measurement: what a request costs with no server logic at all. */
export interface FloorRun {
  /**
   * grpc-echo (a bare @grpc/grpc-js ModelInfer that answers the request's own tensor), fast-echo (the same on
   * maas's fast gRPC path), redis-streams, or queue-chain (the fast-path echo sending each request through Redis
   * Streams and a responder process first: the design's request path without maas's code or a model).
   */
  floor: 'grpc-echo' | 'fast-echo' | 'redis-streams' | 'queue-chain';
  /** Bench model whose request (size) was sent. */
  model: string;
  payloadBytes: number;
  concurrency: number;
  requests: number;
  throughputPerSecond: number;
  latencyMs: LatencySummaryMs;
  /** CPU of the answering process(es) (and of Redis for redis-streams and queue-chain) per request, ms. */
  cpuMsPerRequest: Record<string, number>;
}

/**
 * One server left idle with its models loaded. `maas-dependencies` is a bare Consul dev agent and a bare Redis,
 * as the stack starts them, with nothing registered and no maas process; `maas-design-floor` is the idle floor
 * of maas's design: the same two with a bare process per service (gateway, registry, worker: a gRPC health
 * server Consul checks at the stack's interval, one blocked Redis read), none of maas's code.
 */
export interface IdleRun {
  server: ServerName | 'maas-dependencies' | 'maas-design-floor';
  /** Models (versions) loaded while idle. */
  models: number;
  seconds: number;
  /** CPU ms per second of wall time, by process. */
  cpuMsPerSecond: Record<string, number>;
}

/** One load generator's reading of one target at one concurrency. */
export interface LoadGeneratorReading {
  tool: 'bench' | 'ghz';
  requests: number;
  errors: number;
  throughputPerSecond: number;
  latencyMs: Pick<LatencySummaryMs, 'p50' | 'p90' | 'p99' | 'mean'>;
  /** CPU of the load generator itself per request, ms (the bench's: this process's, from process.cpuUsage). */
  clientCpuMsPerRequest: number | null;
}

/** ghz against the bench's own load generator on the same target, back to back. */
export interface LoadGeneratorCheck {
  target: ServingVariant;
  model: string;
  concurrency: number;
  readings: LoadGeneratorReading[];
}
