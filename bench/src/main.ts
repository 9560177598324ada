// `make bench`: raw ONNX Runtime, maas over gRPC and its peers (Triton, KServe, MLServer), the floors and the
// idle cost, the same models, one run, one load generator. Writes bench/results/<timestamp>.{json,md,svg} and prints the Markdown. Settings: BENCH_* env
// and the flags --tls, --ca/--cert/--key, --api-key (`node bench/dist/main.js --help`).
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import * as ort from 'onnxruntime-node';
import { generateTestCerts, REPO_ROOT, startConsul, startRedis, type Stack, type TestCerts } from '@maas/testing';
import { allowedCpus, pinToCpus } from '@maas/runtime';
import { BENCH_FLAGS_HELP, BenchArgsError, parseBenchArgs, readClientTls, type BenchArgs, type BenchClientTls } from './cli-args';
import { BENCH_ENV_HELP, compileBenchConfig, serverOrder, type BenchConfig } from './config';
import { measureGrpcEcho, measureQueueChain, measureRedisStreams, startIdleDesignFloor } from './floors';
import { compareWithGhz, runGhzClosedLoop } from './ghz-check';
import { RawInferClient, runClosedLoop, type LoadOptions, type LoadResult } from './load-generator';
import { fillerName, startMaas } from './maas-target';
import { benchModelFile } from './model-files';
import { BENCH_MODEL_SPECS, resolveBenchModel, wireInputs, type BenchModel } from './models';
import { startKserve } from './peer-kserve';
import { startMlServer } from './peer-mlserver';
import { startTriton } from './peer-triton';
import type { PeerOptions, PeerServer } from './peers';
import { measurePipelineShare, renderPipelineShare, type PipelineShareRun } from './pipeline-share';
import { summarizeProfiles } from './profile-summary';
import { computeRatios } from './ratios';
import { startCpuReading, type CpuWatch } from './process-cpu';
import { createSession, measureRaw } from './raw-ort';
import { renderMarkdown } from './report-table';
import { renderSvg } from './report-svg';
import { PEER_NAMES, type BatchingKind, type BenchResults, type FloorRun, type IdleRun, type LoadGeneratorCheck, type ModelResult, type PeerName, type RawResult, type ServerName, type ServingRun, type ServingVariant } from './results';
import { waitUntilServing } from './serve-check';

const t0 = performance.now();
function progress(line: string): void {
  const s = ((performance.now() - t0) / 1000).toFixed(1).padStart(6);
  console.error(`[bench ${s}s] ${line}`);
}

const LOAD_GENERATORS: Record<BenchConfig['loadGenerator'], string> = {
  bench:
    'bench/src/load-generator.ts for every served target and the gRPC floor: closed loop over one HTTP/2 connection, gRPC spoken directly over node:http2 (a stream per call, no gRPC library objects per call: half the client CPU of @grpc/grpc-js), KServe v2 ModelInfer with raw_input_contents, the request framed once and responses not decoded (only grpc-status read); exact percentiles from every sample',
  ghz: 'ghz v0.93.0 for every served target and the gRPC floor: closed loop, one connection, N workers, the same ModelInfer bytes as binary call data; one ghz run of warm-up + window + 1.5 s per point, measured from its per-call details (exact percentiles of calls started after the warm-up, answers inside the window; the calls ghz cuts off when it stops fall after the window)',
};

/** The closed-loop client every served target is driven with (BENCH_LOAD_GENERATOR). */
function drive(config: BenchConfig): (client: RawInferClient, options: LoadOptions) => Promise<LoadResult> {
  return config.loadGenerator === 'ghz' ? runGhzClosedLoop : runClosedLoop;
}

/** How the clients reach a target: TLS with the caller's pair and an API key, each when set (maas only; peers and floors are plaintext). */
interface ClientTransport {
  tls?: BenchClientTls;
  apiKey?: string;
}

/** maas's client transport under `--tls` / `--api-key`, with the dev certificates its stacks run with. */
interface MaasTransport extends ClientTransport {
  /** The dev CA and certificates the bench's own stacks run with under --tls. */
  certs?: TestCerts;
}

const PLAINTEXT: ClientTransport = {};

/** The client side of a transport (what RawInferClient and the SDK checks take). */
function clientSide(transport: MaasTransport): ClientTransport {
  return { ...(transport.tls ? { tls: transport.tls } : {}), ...(transport.apiKey ? { apiKey: transport.apiKey } : {}) };
}

/** Serves one model's variants on one target and runs concurrency 1 then the throughput concurrencies. */
async function measureServed(server: ServerName, address: string, model: BenchModel, variants: readonly BatchingKind[], config: BenchConfig, notes: string[], cpuWatch: CpuWatch, transport: ClientTransport): Promise<ServingRun[]> {
  const runs: ServingRun[] = [];
  for (const variant of variants) {
    const name: ServingVariant = `${server}-${variant}`;
    const client = new RawInferClient({ address, model: `${model.name}-${variant}`, inputs: wireInputs(model), ...transport });
    try {
      const outputs = await waitUntilServing(client.target, 120_000);
      progress(`${name} ${model.name}: serving (${outputs.join('; ')})`);
      for (const concurrency of [1, ...config.concurrencies]) {
        let r;
        const cpuReading = startCpuReading(cpuWatch);
        try {
          r = await drive(config)(client, { concurrency, warmupMs: config.warmupMs, durationMs: config.durationMs, timeoutMs: config.requestTimeoutMs });
        } catch (err) {
          // One overloaded point (every reply slower than the window) must not cost the rest of the run.
          notes.push(`${name} ${model.name} c${concurrency}: ${(err as Error).message}`);
          progress(`${name} ${model.name} c${concurrency}: no result: ${(err as Error).message}`);
          continue;
        }
        const cpuMs = cpuReading();
        const cpuMsPerRequest = Object.fromEntries(Object.entries(cpuMs).map(([k, v]) => [k, v / Math.max(1, r.callsIncludingWarmup)]));
        const { callsIncludingWarmup: _calls, ...measured } = r;
        runs.push({ variant: name, ...measured, cpuMsPerRequest });
        const errs = r.errors ? `, ${r.errors} errors (${Object.keys(r.errorKinds).join(', ')})` : '';
        const cpu = Object.entries(cpuMsPerRequest).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ');
        progress(`${name} ${model.name} c${concurrency}: ${r.throughputPerSecond.toFixed(0)} req/s, p50 ${r.latencyMs.p50.toFixed(3)} ms, p90 ${r.latencyMs.p90.toFixed(3)} ms, p99 ${r.latencyMs.p99.toFixed(3)} ms${errs}; CPU ms/req: ${cpu}`);
      }
    } finally {
      client.close();
    }
  }
  return runs;
}

type Threads = { intraOpThreads: number; interOpThreads: number };

/** What one server's turn on one model gives back. */
interface ServerTurn {
  runs: ServingRun[];
  /** ghz beside the bench's load generator, when this turn was the one picked for it. */
  check?: LoadGeneratorCheck[];
}

/** ghz against the bench's load generator on one variant at concurrency 1 and the top concurrency. */
async function checkLoadGenerators(server: ServerName, address: string, model: BenchModel, config: BenchConfig, notes: string[], transport: ClientTransport): Promise<LoadGeneratorCheck[]> {
  const client = new RawInferClient({ address, model: `${model.name}-unbatched`, inputs: wireInputs(model), ...transport });
  const out: LoadGeneratorCheck[] = [];
  try {
    for (const concurrency of [1, config.concurrencies[config.concurrencies.length - 1] ?? 8]) {
      const readings = await compareWithGhz(client, { concurrency, warmupMs: config.warmupMs, durationMs: config.durationMs, timeoutMs: config.requestTimeoutMs });
      out.push({ target: `${server}-unbatched`, model: model.name, concurrency, readings });
      progress(`load generators on ${server}-unbatched ${model.name} c${concurrency}: ${readings.map((r) => `${r.tool} ${r.throughputPerSecond.toFixed(0)} req/s, p50 ${r.latencyMs.p50.toFixed(3)} ms, p99 ${r.latencyMs.p99.toFixed(3)} ms`).join('; ')}`);
    }
  } catch (err) {
    notes.push(`ghz check not measured on ${server} ${model.name}: ${(err as Error).message.split('\n')[0]}`);
    progress(`ghz check FAILED: ${(err as Error).stack ?? String(err)}`);
  } finally {
    client.close();
  }
  return out;
}

/**
 * BENCH_MAAS_WORKER_CPUS: pins the bench (so Redis, Consul, registry, gateway and each load generator run it
 * starts from now on) to the CPUs it has other than the workers'; returns what gives the bench its CPUs back.
 */
function placeBesideWorkers(workerCpus: readonly number[]): () => void {
  const all = allowedCpus();
  const others = all.filter((cpu) => !workerCpus.includes(cpu));
  if (others.length === 0) throw new Error(`BENCH_MAAS_WORKER_CPUS=${workerCpus.join(',')} leaves no CPU of the bench's (${all.join(',')}) for the gateway, Redis and the load generator`);
  pinToCpus(others.join(','));
  progress(`maas placement: worker(s) on CPU ${workerCpus.join(',')}, the rest on CPU ${others.join(',')}`);
  return () => {
    pinToCpus(all.join(','));
  };
}

/** Starts maas with one model, measures its variants, stops it (CPU profiles per model when asked). */
async function measureMaas(model: BenchModel, config: BenchConfig, threads: Threads, notes: string[], stamp: string, ghzHere: boolean, transport: MaasTransport): Promise<ServerTurn> {
  const cpuProfileDir = config.profile ? path.join(config.outDir, `${stamp}-profile`, model.name) : undefined;
  progress(`maas ${model.name}: starting Redis, Consul, registry, worker(s), gateway and uploading the model`);
  let unplace: (() => void) | undefined;
  try {
    if (config.maasWorkerCpus) unplace = placeBesideWorkers(config.maasWorkerCpus);
    const stack = await startMaas([model], { env: config.maasEnv, workers: config.workers, maxBatchSize: config.maxBatchSize, maxQueueDelayUs: config.maxQueueDelayUs, ...threads, ...(cpuProfileDir ? { cpuProfileDir } : {}), ...(transport.certs ? { tls: transport.certs } : {}), ...(config.maasWorkerCpus ? { workerCpus: config.maasWorkerCpus } : {}) });
    const cpuWatch = maasCpuWatch(stack);
    const pids = new Map(cpuWatch.map((w): [number, string] => [w.pid, w.name]));
    const turn: ServerTurn = { runs: [] };
    try {
      progress(`maas ${model.name}: gateway ${stack.gateway.grpcAddress}${transport.tls ? ' (mutual TLS)' : ''}`);
      turn.runs = await measureServed('maas', stack.gateway.grpcAddress, model, ['unbatched', 'batched'], config, notes, cpuWatch, clientSide(transport));
      if (ghzHere) turn.check = await checkLoadGenerators('maas', stack.gateway.grpcAddress, model, config, notes, clientSide(transport));
    } finally {
      await stack.stop();
    }
    if (cpuProfileDir) {
      fs.writeFileSync(path.join(cpuProfileDir, 'summary.txt'), summarizeProfiles(cpuProfileDir, 25, pids));
      progress(`maas ${model.name}: CPU profiles in ${path.relative(REPO_ROOT, cpuProfileDir)} (summary.txt)`);
    }
    return turn;
  } catch (err) {
    notes.push(`maas not measured for ${model.name}: ${(err as Error).message.split('\n')[0]}`);
    progress(`maas ${model.name} FAILED: ${(err as Error).stack ?? String(err)}`);
    return { runs: [] };
  } finally {
    unplace?.();
  }
}

/** Every process of a maas stack whose CPU is read: the request path first, then registry and Consul. */
function maasCpuWatch(stack: Stack): CpuWatch {
  return [
    { name: 'gateway', pid: stack.gateway.process.child.pid ?? -1 },
    ...stack.workers.map((w) => ({ name: w.id, pid: w.process.child.pid ?? -1 })),
    { name: 'redis', pid: stack.redis.process.child.pid ?? -1 },
    { name: 'registry', pid: stack.registry.process.child.pid ?? -1 },
    { name: 'consul', pid: stack.consul.process.child.pid ?? -1 },
  ];
}

const START_PEER: Record<PeerName, (models: readonly BenchModel[], options: PeerOptions) => Promise<PeerServer>> = { triton: startTriton, kserve: startKserve, mlserver: startMlServer };

function peerOptions(config: BenchConfig, threads: Threads): PeerOptions {
  return { maxBatchSize: config.maxBatchSize, maxQueueDelayUs: config.maxQueueDelayUs, ...threads, parallelWorkers: config.peerParallelWorkers };
}

/** Starts one peer with one model, measures its variants, stops it. */
async function measurePeer(peer: PeerName, model: BenchModel, config: BenchConfig, threads: Threads, notes: string[], versions: Partial<Record<PeerName, string>>, ghzHere: boolean): Promise<ServerTurn> {
  progress(`${peer} ${model.name}: starting (installing it first if needed)`);
  try {
    const server = await START_PEER[peer]([model], peerOptions(config, threads));
    versions[peer] = server.version;
    try {
      progress(`${peer} ${model.name}: ${server.version} on ${server.grpcAddress}`);
      const turn: ServerTurn = { runs: await measureServed(peer, server.grpcAddress, model, server.variants, config, notes, server.cpuWatch, PLAINTEXT) };
      if (ghzHere) turn.check = await checkLoadGenerators(peer, server.grpcAddress, model, config, notes, PLAINTEXT);
      return turn;
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- ${peer} log (tail) ---\n${server.process.log().slice(-3000)}`, { cause: err });
    } finally {
      await server.stop();
    }
  } catch (err) {
    notes.push(`${peer} not measured for ${model.name}: ${(err as Error).message.split('\n')[0]}`);
    progress(`${peer} ${model.name} FAILED: ${(err as Error).stack ?? String(err)}`);
    return { runs: [] };
  }
}

/** The stack's Consul check interval: MAAS_CONSUL_CHECK_INTERVAL_MS from BENCH_MAAS_ENV, else the services' default (1000). */
function consulCheckIntervalMs(env: Record<string, string>): number {
  const ms = Number(env['MAAS_CONSUL_CHECK_INTERVAL_MS'] ?? 1000);
  return Number.isInteger(ms) && ms > 0 ? ms : 1000;
}

/** Reads a server's CPU while nothing is asked of it: a short settle, then `idleDurationMs`. */
async function readIdle(server: IdleRun['server'], models: number, cpuWatch: CpuWatch, config: BenchConfig): Promise<IdleRun> {
  await sleep(2_000);
  const reading = startCpuReading(cpuWatch);
  const t0 = performance.now();
  await sleep(config.idleDurationMs);
  const seconds = (performance.now() - t0) / 1000;
  const cpuMsPerSecond = Object.fromEntries(Object.entries(reading()).map(([k, v]) => [k, v / seconds]));
  const total = Object.values(cpuMsPerSecond).reduce((a, b) => a + b, 0);
  progress(`idle ${server} (${models} models): ${total.toFixed(1)} ms of CPU per second (${Object.entries(cpuMsPerSecond).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')})`);
  return { server, models, seconds, cpuMsPerSecond };
}

/** Idle CPU of every server measured, each with the bench's models loaded (maas with fillers up to idleMaasModels). */
async function measureIdle(servers: readonly ServerName[], models: readonly BenchModel[], config: BenchConfig, threads: Threads, notes: string[], transport: MaasTransport): Promise<IdleRun[]> {
  const out: IdleRun[] = [];
  for (const server of servers) {
    try {
      if (server === 'maas') {
        const own = models.length * 2;
        const fillers = Math.max(0, config.idleMaasModels - own);
        // The floor first: Consul and Redis alone, as the stack starts them, nothing registered.
        const [consul, redis] = await Promise.all([startConsul(), startRedis()]);
        try {
          const dependencies = [{ name: 'consul', pid: consul.process.child.pid ?? -1 }, { name: 'redis', pid: redis.process.child.pid ?? -1 }];
          out.push(await readIdle('maas-dependencies', 0, dependencies, config));
          // Then the design's services in it, bare: what the gRPC checks and blocked reads alone cost.
          const floor = await startIdleDesignFloor(consul.url, redis.port, consulCheckIntervalMs(config.maasEnv));
          try {
            out.push(await readIdle('maas-design-floor', 0, [...dependencies, ...floor.cpuWatch], config));
          } finally {
            await floor.stop();
          }
        } finally {
          await Promise.all([consul.stop(), redis.stop()]);
        }
        const stack = await startMaas(models, { env: config.maasEnv, workers: config.workers, maxBatchSize: config.maxBatchSize, maxQueueDelayUs: config.maxQueueDelayUs, ...threads, fillers: { count: fillers, file: benchModelFile('identity') }, ...(transport.certs ? { tls: transport.certs } : {}) });
        try {
          const identityInputs = [{ name: 'x', datatype: 'FP32' as const, shape: [1, 4], bytes: Buffer.alloc(16) }];
          const address = stack.gateway.grpcAddress;
          const side = clientSide(transport);
          const checks = [...models.flatMap((m) => (['unbatched', 'batched'] as const).map((v) => ({ address, model: `${m.name}-${v}`, inputs: wireInputs(m), ...side }))), ...(fillers > 0 ? [{ address, model: fillerName(fillers - 1), inputs: identityInputs, ...side }] : [])];
          for (const target of checks) await waitUntilServing(target, 120_000);
          out.push(await readIdle('maas', own + fillers, maasCpuWatch(stack), config));
        } finally {
          await stack.stop();
        }
      } else {
        const peer = await START_PEER[server](models, peerOptions(config, threads));
        try {
          for (const m of models) {
            for (const v of peer.variants) await waitUntilServing({ address: peer.grpcAddress, model: `${m.name}-${v}`, inputs: wireInputs(m) }, 120_000);
          }
          out.push(await readIdle(server, models.length * peer.variants.length, peer.cpuWatch, config));
        } finally {
          await peer.stop();
        }
      }
    } catch (err) {
      notes.push(`idle CPU not measured for ${server}: ${(err as Error).message.split('\n')[0]}`);
      progress(`idle ${server} FAILED: ${(err as Error).stack ?? String(err)}`);
    }
  }
  return out;
}

/** The floors for each model's request size: a bare gRPC echo and the queue chain (c1 and the top concurrency), a Redis Streams request/reply. */
async function measureFloors(models: readonly BenchModel[], config: BenchConfig, notes: string[]): Promise<FloorRun[]> {
  const out: FloorRun[] = [];
  const options = { durationMs: config.durationMs, warmupMs: config.warmupMs, timeoutMs: config.requestTimeoutMs, grpcConcurrencies: config.concurrencies.slice(-1), drive: drive(config) };
  for (const model of models) {
    for (const [name, measure] of [
      ['grpc-echo', async () => measureGrpcEcho(model, options)],
      ['fast-echo', async () => measureGrpcEcho(model, options, 'fast-echo')],
      ['redis-streams', async () => [await measureRedisStreams(model, options)]],
      ['queue-chain', async () => measureQueueChain(model, options)],
    ] as const) {
      try {
        const runs = await measure();
        out.push(...runs);
        for (const r of runs) progress(`floor ${name} ${model.name} (${r.payloadBytes} B) c${r.concurrency}: ${r.throughputPerSecond.toFixed(0)} req/s, p50 ${r.latencyMs.p50.toFixed(3)} ms, p99 ${r.latencyMs.p99.toFixed(3)} ms`);
      } catch (err) {
        notes.push(`floor ${name} not measured for ${model.name}: ${(err as Error).message.split('\n')[0]}`);
        progress(`floor ${name} ${model.name} FAILED: ${(err as Error).stack ?? String(err)}`);
      }
    }
  }
  return out;
}

/** The transport maas is measured over: `--tls` generates a dev CA and certificates the stacks run with and the clients show. */
function maasTransport(args: BenchArgs): MaasTransport {
  if (args.clientFiles) {
    // The bench starts its own maas and signs its certificates with a CA it generates; a caller's CA and pair
    // would not be accepted by it, and the bench has no external maas target yet.
    throw new BenchArgsError('--ca/--cert/--key name the CA and client pair of an external target, but the bench measures only the maas stack it starts itself; use --tls, which generates that stack\'s dev CA and client pair');
  }
  const transport: MaasTransport = args.apiKey ? { apiKey: args.apiKey } : {};
  if (args.tls) {
    const certs = generateTestCerts(fs.mkdtempSync(path.join(os.tmpdir(), 'maas-bench-tls-')));
    Object.assign(transport, { certs, tls: readClientTls({ caFile: certs.ca, certFile: certs.clientCert, keyFile: certs.clientKey }) });
  }
  return transport;
}

async function main(): Promise<number> {
  let args: BenchArgs;
  let transport: MaasTransport;
  try {
    args = parseBenchArgs(process.argv.slice(2), process.env);
    if (args.help) {
      console.log('make bench (node bench/dist/main.js [flags]) — flags:');
      for (const [k, v] of BENCH_FLAGS_HELP) console.log(`  ${k.padEnd(28)} ${v}`);
      console.log('settings (environment):');
      for (const [k, v] of BENCH_ENV_HELP) console.log(`  ${k.padEnd(28)} ${v}`);
      return 0;
    }
    transport = maasTransport(args);
  } catch (err) {
    if (!(err instanceof BenchArgsError)) throw err;
    console.error(`bench: ${err.message} (see --help)`);
    return 2;
  }
  try {
    return await runBench(compileBenchConfig(process.env, REPO_ROOT), transport);
  } finally {
    if (transport.certs) fs.rmSync(transport.certs.dir, { recursive: true, force: true });
  }
}

/** One run: every model on every target, then floors, idle and pipeline share; writes the results. */
async function runBench(config: BenchConfig, transport: MaasTransport): Promise<number> {
  const startedAt = new Date().toISOString();
  const stamp = startedAt.replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z');
  const loadAverageAtStart = os.loadavg();
  fs.mkdirSync(config.outDir, { recursive: true });
  progress(`models ${config.models.join(', ')}; targets ${config.targets.join(', ')}; ${config.durationMs / 1000} s runs after ${config.warmupMs / 1000} s warm-up; concurrency 1, ${config.concurrencies.join(', ')}`);
  const threads = { intraOpThreads: config.intraOpThreads, interOpThreads: config.interOpThreads };
  const notes: string[] = [
    `Taken on a shared ${os.cpus().length}-core machine: the load generator and the server measured (maas's gateway, Redis and worker(s), or a peer) share the same cores, one server at a time, and numbers taken while other work ran are noisy. Compare ratios within one run, not absolute numbers across runs.`,
  ];
  if (transport.tls) notes.push('maas measured over mutual TLS (--tls: every maas service with MAAS_TLS_CLIENT_AUTH=require, every client showing the dev client pair); the peers and floors are plaintext, so maas carries the TLS cost in its ratios.');

  const models: BenchModel[] = [];
  for (const name of config.models) {
    const spec = BENCH_MODEL_SPECS.find((s) => s.name === name)!;
    models.push(await resolveBenchModel(spec, (f) => createSession(f, threads)));
  }
  const raw = new Map<string, RawResult>();
  const runs = new Map<string, ServingRun[]>(models.map((m) => [m.name, []]));
  const peerVersions: Partial<Record<PeerName, string>> = {};
  const servers = (['maas', ...PEER_NAMES] as const).filter((s) => config.targets.includes(s));
  let loadGeneratorCheck: LoadGeneratorCheck[] = [];
  // ghz runs once, on the first model, against the cheapest server measured (the one where the client's own
  // cost weighs most): Triton when it is measured, else the first server.
  const ghzServer = config.ghzCheck ? (servers.includes('triton') ? 'triton' : servers[0]) : undefined;

  // One model at a time: raw, then each server started for that model alone, in an order alternated from
  // model to model, so the sides of a ratio are measured minutes apart, not a whole run apart (this machine drifts).
  for (const [index, model] of models.entries()) {
    raw.set(model.name, await measureRaw(model, threads, { durationMs: config.rawDurationMs, batchSizes: config.rawBatchSizes }, progress));
    for (const server of serverOrder(servers, index)) {
      const ghzHere = index === 0 && server === ghzServer;
      const turn = server === 'maas' ? await measureMaas(model, config, threads, notes, stamp, ghzHere, transport) : await measurePeer(server, model, config, threads, notes, peerVersions, ghzHere);
      runs.get(model.name)!.push(...turn.runs);
      if (turn.check) loadGeneratorCheck = turn.check;
    }
  }

  const floors = config.targets.includes('floors') ? await measureFloors(models, config, notes) : [];
  const idle = config.targets.includes('idle') ? await measureIdle(servers, models, config, threads, notes, transport) : [];

  let pipelineShare: PipelineShareRun[] = [];
  if (config.targets.includes('pipeline') && models.some((m) => m.name === 'ocr-cls')) {
    progress('maas: ocr-cls with its image pipeline (preprocess share)');
    try {
      const cpuProfileDir = config.profile ? path.join(config.outDir, `${stamp}-pipeline-profile`) : undefined;
      pipelineShare = await measurePipelineShare({ durationMs: config.durationMs, warmupMs: config.warmupMs, timeoutMs: config.requestTimeoutMs, concurrency: [1, 8], progress, ...(cpuProfileDir ? { cpuProfileDir } : {}), ...(transport.certs ? { certs: transport.certs } : {}), ...clientSide(transport) });
    } catch (err) {
      notes.push(`ocr-cls pipeline not measured: ${(err as Error).message.split('\n')[0]}`);
      progress(`ocr-cls pipeline FAILED: ${(err as Error).stack ?? String(err)}`);
    }
  }

  const modelResults: ModelResult[] = models.map((m) => {
    const r = raw.get(m.name) ?? null;
    const rs = runs.get(m.name) ?? [];
    return {
      model: m.name,
      description: m.description,
      requestShapes: Object.fromEntries(m.inputs.map((i) => [i.name, [1, ...i.itemShape]])),
      raw: r,
      runs: rs,
      ratios: computeRatios(r, rs),
    };
  });
  const results: BenchResults = {
    schema: 'maas-bench/v2',
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: {
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      cpus: os.cpus().length,
      totalMemoryBytes: os.totalmem(),
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      node: process.version,
      onnxruntimeNode: ort.env.versions.node ?? 'unknown',
      loadAverageAtStart,
      loadAverageAtEnd: os.loadavg(),
    },
    config,
    transport: { maasTls: transport.tls !== undefined, apiKey: transport.apiKey !== undefined },
    loadGenerator: `${LOAD_GENERATORS[config.loadGenerator]}${config.ghzCheck ? '. The other client drives one target beside it (see "Load generators"), so the two can be compared' : ''}`,
    peers: peerVersions,
    notes,
    models: modelResults,
    pipelineShare,
    floors,
    idle,
    loadGeneratorCheck,
  };
  const base = path.join(config.outDir, stamp);
  const markdown = renderMarkdown(results) + renderPipelineShare(pipelineShare);
  fs.writeFileSync(`${base}.json`, JSON.stringify(results, null, 2) + '\n');
  fs.writeFileSync(`${base}.md`, markdown);
  fs.writeFileSync(`${base}.svg`, renderSvg(results));
  console.log(markdown);
  progress(`wrote ${path.relative(REPO_ROOT, base)}.{json,md,svg}`);
  return notes.some((n) => n.includes('not measured')) ? 1 : 0;
}

/**
 * Ctrl-C or a SIGTERM mid-run: every process the run started (libs/testing's startProcess tracks them here: the
 * stack's services, Redis, Consul, peers, floors) gets SIGTERM, then SIGKILL after 3 s, before the bench exits, so
 * an interrupted run leaves nothing behind.
 */
function stopChildrenOnSignals(): void {
  const children = new Set<ChildProcess>();
  (globalThis as { __maasChildren?: Set<ChildProcess> }).__maasChildren = children;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    const running = [...children].filter((c) => c.exitCode === null && c.signalCode === null);
    console.error(`[bench] ${signal}: stopping ${running.length} process(es) it started`);
    for (const child of running) child.kill('SIGTERM');
    const exitCode = signal === 'SIGINT' ? 130 : 143;
    const deadline = setTimeout(() => {
      for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      process.exit(exitCode);
    }, 3000);
    void Promise.all(running.map((c) => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.once('exit', r))))).then(() => {
      clearTimeout(deadline);
      process.exit(exitCode);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}

stopChildrenOnSignals();
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(2);
  },
);
