import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import type { BenchModel } from './models';
import type { RawBatchPoint, RawResult } from './results';
import { SampleBuffer, summarizeLatencies } from './stats';

/** ONNX Runtime session settings; the maas worker and the peer get the same. */
export interface OrtThreadSettings {
  intraOpThreads: number;
  interOpThreads: number;
}

/** Creates a CPU session the way the benchmark's three sides do: sequential, all graph optimizations. */
export async function createSession(file: string, threads: OrtThreadSettings): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(file, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads.intraOpThreads,
    interOpNumThreads: threads.interOpThreads,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
}

function feedsFor(model: BenchModel, batchSize: number): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of model.inputs) {
    const item = input.itemData;
    const data = new Float32Array(item.length * batchSize);
    for (let b = 0; b < batchSize; b++) data.set(item, b * item.length);
    feeds[input.name] = new ort.Tensor('float32', data, [batchSize, ...input.itemShape]);
  }
  return feeds;
}

async function timeRuns(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>, durationMs: number): Promise<{ samples: Float64Array; elapsedMs: number }> {
  for (let i = 0; i < 5; i++) await session.run(feeds); // first runs allocate and tune
  const samples = new SampleBuffer();
  const start = performance.now();
  const until = start + durationMs;
  let now = start;
  while (now < until || samples.length < 5) {
    const t0 = performance.now();
    await session.run(feeds);
    now = performance.now();
    samples.push(now - t0);
  }
  return { samples: samples.values(), elapsedMs: now - start };
}

/**
 * The floor: the model in this process, inputs built once, `session.run` back to back. Latency at batch 1;
 * throughput at each batch size of the sweep, the best one reported. Runs nothing else meanwhile.
 */
export async function measureRaw(model: BenchModel, threads: OrtThreadSettings, options: { durationMs: number; batchSizes: number[] }, progress: (line: string) => void): Promise<RawResult> {
  const session = await createSession(model.file, threads);
  try {
    const b1 = await timeRuns(session, feedsFor(model, 1), options.durationMs);
    const latencyBatch1Ms = summarizeLatencies(b1.samples);
    progress(`raw ${model.name} batch 1: p50 ${latencyBatch1Ms.p50.toFixed(3)} ms, p99 ${latencyBatch1Ms.p99.toFixed(3)} ms`);
    const sweep: RawBatchPoint[] = [];
    for (const batchSize of options.batchSizes) {
      const { samples, elapsedMs } = await timeRuns(session, feedsFor(model, batchSize), options.durationMs);
      const point = { batchSize, runs: samples.length, itemsPerSecond: (samples.length * batchSize * 1000) / elapsedMs, latencyMs: summarizeLatencies(samples) };
      sweep.push(point);
      progress(`raw ${model.name} batch ${batchSize}: ${point.itemsPerSecond.toFixed(0)} items/s, ${point.latencyMs.p50.toFixed(3)} ms per batch`);
    }
    // The best over the whole sweep, even past the served variants' max batch: the floor stays honest.
    const best = sweep.reduce((a, b) => (b.itemsPerSecond > a.itemsPerSecond ? b : a));
    return { latencyBatch1Ms, sweep, bestBatchSize: best.batchSize, throughputItemsPerSecond: best.itemsPerSecond };
  } finally {
    await session.release();
  }
}
