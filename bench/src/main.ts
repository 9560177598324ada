// `make bench`: raw ONNX Runtime, maas over gRPC and an MLServer peer, the same models, one run, one load
// generator. Writes bench/results/<timestamp>.{json,md,svg} and prints the Markdown. Settings: BENCH_* env
// (`node bench/dist/main.js --help`).
import { measurePipelineShare, renderPipelineShare, type PipelineShareRun } from './pipeline-share';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { REPO_ROOT } from '@maas/testing';
import { BENCH_ENV_HELP, compileBenchConfig, type BenchConfig } from './config';
import { RawInferClient, runClosedLoop } from './load-generator';
import { startMaas } from './maas-target';
import { BENCH_MODEL_SPECS, resolveBenchModel, wireInputs, type BenchModel } from './models';
import { startMlServer } from './peer-mlserver';
import { summarizeProfiles } from './profile-summary';
import { computeRatios } from './ratios';
import { startCpuReading, type CpuWatch } from './process-cpu';
import { createSession, measureRaw } from './raw-ort';
import { renderMarkdown } from './report-table';
import { renderSvg } from './report-svg';
import type { BenchResults, ModelResult, RawResult, ServingRun, ServingVariant } from './results';
import { waitUntilServing } from './serve-check';

const t0 = performance.now();
function progress(line: string): void {
  const s = ((performance.now() - t0) / 1000).toFixed(1).padStart(6);
  console.error(`[bench ${s}s] ${line}`);
}

const LOAD_GENERATOR =
  'bench/src/load-generator.ts: closed loop over one HTTP/2 connection, gRPC spoken directly over node:http2 (a stream per call, no gRPC library objects per call: half the client CPU of @grpc/grpc-js), ModelInfer with raw_input_contents, the request framed once and responses not decoded (only grpc-status read); exact percentiles from every sample. perf_analyzer was not used: it calls ModelConfig, which MLServer does not implement, and one tool must drive every target';

/** Serves one model's two variants on one target and runs concurrency 1 then the throughput concurrencies. */
async function measureServed(kind: 'maas' | 'peer', address: string, model: BenchModel, config: BenchConfig, notes: string[], cpuWatch: CpuWatch): Promise<ServingRun[]> {
  const runs: ServingRun[] = [];
  for (const variant of ['unbatched', 'batched'] as const) {
    const name: ServingVariant = `${kind}-${variant}`;
    const client = new RawInferClient({ address, model: `${model.name}-${variant}`, inputs: wireInputs(model) });
    try {
      const outputs = await waitUntilServing(client, 60_000);
      progress(`${name} ${model.name}: serving (${outputs.join('; ')})`);
      for (const concurrency of [1, ...config.concurrencies]) {
        let r;
        const cpuReading = startCpuReading(cpuWatch);
        try {
          r = await runClosedLoop(client, { concurrency, warmupMs: config.warmupMs, durationMs: config.durationMs, timeoutMs: config.requestTimeoutMs });
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

/** Starts maas with one model, measures its variants, stops it (CPU profiles per model when asked). */
async function measureMaas(model: BenchModel, config: BenchConfig, threads: Threads, notes: string[], stamp: string): Promise<ServingRun[]> {
  const cpuProfileDir = config.profile ? path.join(config.outDir, `${stamp}-profile`, model.name) : undefined;
  progress(`maas ${model.name}: starting Redis, Consul, registry, worker(s), gateway and uploading the model`);
  try {
    const stack = await startMaas([model], { workers: config.workers, maxBatchSize: config.maxBatchSize, maxQueueDelayUs: config.maxQueueDelayUs, ...threads, ...(cpuProfileDir ? { cpuProfileDir } : {}) });
    const cpuWatch: CpuWatch = [
      { name: 'gateway', pid: stack.gateway.process.child.pid ?? -1 },
      ...stack.workers.map((w) => ({ name: w.id, pid: w.process.child.pid ?? -1 })),
      { name: 'redis', pid: stack.redis.process.child.pid ?? -1 },
    ];
    const pids = new Map(cpuWatch.map((w): [number, string] => [w.pid, w.name]));
    let runs: ServingRun[];
    try {
      progress(`maas ${model.name}: gateway ${stack.gateway.grpcAddress}`);
      runs = await measureServed('maas', stack.gateway.grpcAddress, model, config, notes, cpuWatch);
    } finally {
      await stack.stop();
    }
    if (cpuProfileDir) {
      fs.writeFileSync(path.join(cpuProfileDir, 'summary.txt'), summarizeProfiles(cpuProfileDir, 25, pids));
      progress(`maas ${model.name}: CPU profiles in ${path.relative(REPO_ROOT, cpuProfileDir)} (summary.txt)`);
    }
    return runs;
  } catch (err) {
    notes.push(`maas not measured for ${model.name}: ${(err as Error).message.split('\n')[0]}`);
    progress(`maas ${model.name} FAILED: ${(err as Error).stack ?? String(err)}`);
    return [];
  }
}

/** Starts MLServer with one model, measures its variants, stops it. */
async function measurePeer(model: BenchModel, config: BenchConfig, threads: Threads, notes: string[]): Promise<{ runs: ServingRun[]; peer?: string }> {
  progress(`peer ${model.name}: starting MLServer`);
  try {
    const server = await startMlServer([model], { maxBatchSize: config.maxBatchSize, maxQueueDelayUs: config.maxQueueDelayUs, ...threads, parallelWorkers: config.peerParallelWorkers });
    const peer = `${server.version}, bench/peer/onnx_runtime.py, parallel_workers ${config.peerParallelWorkers}; batched variant: adaptive batching max_batch_size ${config.maxBatchSize}, max_batch_time ${config.maxQueueDelayUs / 1e6} s`;
    try {
      progress(`peer ${model.name}: ${server.version} on ${server.grpcAddress}`);
      return { runs: await measureServed('peer', server.grpcAddress, model, config, notes, [{ name: 'mlserver', pid: server.process.child.pid ?? -1 }]), peer };
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- mlserver log (tail) ---\n${server.process.log().slice(-3000)}`, { cause: err });
    } finally {
      await server.stop();
    }
  } catch (err) {
    notes.push(`peer not measured for ${model.name}: ${(err as Error).message.split('\n')[0]}`);
    progress(`peer ${model.name} FAILED: ${(err as Error).stack ?? String(err)}`);
    return { runs: [] };
  }
}

async function main(): Promise<number> {
  if (process.argv.includes('--help')) {
    console.log('make bench — settings (environment):');
    for (const [k, v] of BENCH_ENV_HELP) console.log(`  ${k.padEnd(28)} ${v}`);
    return 0;
  }
  const config = compileBenchConfig(process.env, REPO_ROOT);
  const startedAt = new Date().toISOString();
  const stamp = startedAt.replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z');
  const loadAverageAtStart = os.loadavg();
  fs.mkdirSync(config.outDir, { recursive: true });
  progress(`models ${config.models.join(', ')}; targets ${config.targets.join(', ')}; ${config.durationMs / 1000} s runs after ${config.warmupMs / 1000} s warm-up; concurrency 1, ${config.concurrencies.join(', ')}`);
  const threads = { intraOpThreads: config.intraOpThreads, interOpThreads: config.interOpThreads };
  const notes: string[] = [
    `Taken on a shared ${os.cpus().length}-core machine: load generator, gateway, Redis, worker(s) and the peer share the same cores, and numbers taken while other work ran are noisy. Compare ratios within one run, not absolute numbers across runs.`,
  ];

  const models: BenchModel[] = [];
  for (const name of config.models) {
    const spec = BENCH_MODEL_SPECS.find((s) => s.name === name)!;
    models.push(await resolveBenchModel(spec, (f) => createSession(f, threads)));
  }
  const raw = new Map<string, RawResult>();
  const runs = new Map<string, ServingRun[]>(models.map((m) => [m.name, []]));
  let peer = 'not measured';

  // One model at a time, raw then maas then the peer back to back, each server started for that model alone:
  // the three sides of a ratio are measured minutes apart, not a whole run apart (this machine drifts).
  for (const model of models) {
    raw.set(model.name, await measureRaw(model, threads, { durationMs: config.rawDurationMs, batchSizes: config.rawBatchSizes }, progress));
    if (config.targets.includes('maas')) runs.get(model.name)!.push(...(await measureMaas(model, config, threads, notes, stamp)));
    if (config.targets.includes('peer')) {
      const measured = await measurePeer(model, config, threads, notes);
      runs.get(model.name)!.push(...measured.runs);
      if (measured.peer) peer = measured.peer;
    }
  }

  let pipelineShare: PipelineShareRun[] = [];
  if (config.targets.includes('maas') && models.some((m) => m.name === 'ocr-cls')) {
    progress('maas: ocr-cls with its image pipeline (preprocess share)');
    try {
      const cpuProfileDir = config.profile ? path.join(config.outDir, `${stamp}-pipeline-profile`) : undefined;
      pipelineShare = await measurePipelineShare({ durationMs: config.durationMs, warmupMs: config.warmupMs, timeoutMs: config.requestTimeoutMs, concurrency: [1, 8], progress, ...(cpuProfileDir ? { cpuProfileDir } : {}) });
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
    schema: 'maas-bench/v1',
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
    loadGenerator: LOAD_GENERATOR,
    peer,
    notes,
    models: modelResults,
    pipelineShare,
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

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(2);
  },
);
