import * as fs from 'node:fs';
import * as path from 'node:path';
import { OCR_CLS_PIPELINE, writeOcrClassifierBundle } from '@maas/models';
import { encodeBytesElements } from '@maas/tensor';
import { REPO_ROOT, startStack, type TestCerts } from '@maas/testing';
import type { BenchClientTls } from './cli-args';
import { RawInferClient, runClosedLoop } from './load-generator';
import { cpuProfileEnv } from './maas-target';
import { summarizeProfiles } from './profile-summary';
import { registryClient, uploadModel } from './registry-upload';
import { waitUntilServing } from './serve-check';
import type { LatencySummaryMs } from './stats';

/** One concurrency level of the pipelined ocr-cls run. */
export interface PipelineShareRun {
  concurrency: number;
  throughputPerSecond: number;
  latencyMs: LatencySummaryMs;
  errors: number;
  /** Gateway time in pre + post processing (maas_gateway_preprocess_seconds) over end-to-end time (maas_request_duration_seconds). */
  preprocessShare: number;
  meanPreprocessMs: number;
  /** Of meanPreprocessMs, the preprocess service's own step time (maas_preprocess_duration_seconds); the rest is gRPC transport. */
  meanPreprocessComputeMs: number;
  /** Service step time over end-to-end time: the share of the work itself, without the two gRPC hops. */
  preprocessComputeShare: number;
  meanEndToEndMs: number;
}

/** Sum and count of a histogram for a model in Prometheus text. */
export function histogramTotals(text: string, metric: string, model: string): { sum: number; count: number } {
  const pick = (suffix: string): number =>
    text
      .split('\n')
      .filter((l) => l.startsWith(`${metric}_${suffix}{`) && l.includes(`model="${model}"`))
      .reduce((acc, l) => acc + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  return { sum: pick('sum'), count: pick('count') };
}

/**
 * ocr-cls behind its image pipeline, through the gateway and maas-preprocess: a PNG of a text line in,
 * a label out. Measures what share of the gateway's end-to-end time goes to pre/post-processing.
 */
export async function measurePipelineShare(options: {
  durationMs: number;
  warmupMs: number;
  timeoutMs: number;
  concurrency: readonly number[];
  progress: (line: string) => void;
  /** When set, every service writes a V8 CPU profile here on exit (summarized into summary.txt). */
  cpuProfileDir?: string;
  /** Run the stack with mutual TLS from these certificates (the bench's --tls), the client showing `tls`. */
  certs?: TestCerts;
  tls?: BenchClientTls;
  apiKey?: string;
}): Promise<PipelineShareRun[]> {
  const stack = await startStack({ workers: 1, preprocess: true, env: cpuProfileEnv(options.cpuProfileDir), ...(options.certs ? { tls: options.certs } : {}) });
  try {
    const tar = path.join(stack.dir, 'ocr-cls.tar');
    writeOcrClassifierBundle(tar);
    const registry = registryClient(stack.registry.address, options.certs);
    const config = { batching: { max_batch_size: 16, dynamic_batching: true, max_queue_delay_us: 2000, preferred_batch_sizes: [] }, pipeline_json: JSON.stringify(OCR_CLS_PIPELINE) };
    await uploadModel(registry, 'ocr-cls-pipeline', tar, config as never, 'bundle');
    registry.close();
    const png = fs.readFileSync(path.join(REPO_ROOT, 'test/fixtures/images/text-line-upright.png'));
    const client = new RawInferClient({ address: stack.gateway.grpcAddress, model: 'ocr-cls-pipeline', inputs: [{ name: 'image', datatype: 'BYTES', shape: [1], bytes: encodeBytesElements([png]) }], ...(options.tls ? { tls: options.tls } : {}), ...(options.apiKey ? { apiKey: options.apiKey } : {}) });
    // The first call loads the model and the pipeline.
    await waitUntilServing(client.target, 60_000);
    const runs: PipelineShareRun[] = [];
    const preprocessMetricsUrl = stack.preprocess?.metricsUrl ?? '';
    const scrape = async (): Promise<string[]> => Promise.all([stack.gateway.metricsUrl, preprocessMetricsUrl].map(async (url) => (await fetch(url)).text()));
    for (const concurrency of options.concurrency) {
      const before = await scrape();
      const r = await runClosedLoop(client, { concurrency, warmupMs: options.warmupMs, durationMs: options.durationMs, timeoutMs: options.timeoutMs });
      const after = await scrape();
      const delta = (metric: string, source = 0) => {
        const a = histogramTotals(after[source]!, metric, 'ocr-cls-pipeline');
        const b = histogramTotals(before[source]!, metric, 'ocr-cls-pipeline');
        return { sum: a.sum - b.sum, count: a.count - b.count };
      };
      const pre = delta('maas_gateway_preprocess_seconds');
      const e2e = delta('maas_request_duration_seconds');
      const steps = delta('maas_preprocess_duration_seconds', 1);
      const run: PipelineShareRun = {
        concurrency,
        throughputPerSecond: r.throughputPerSecond,
        latencyMs: r.latencyMs,
        errors: r.errors,
        preprocessShare: e2e.sum > 0 ? pre.sum / e2e.sum : 0,
        meanPreprocessMs: pre.count > 0 ? (pre.sum / pre.count) * 1000 : 0,
        meanPreprocessComputeMs: e2e.count > 0 ? (steps.sum / e2e.count) * 1000 : 0,
        preprocessComputeShare: e2e.sum > 0 ? steps.sum / e2e.sum : 0,
        meanEndToEndMs: e2e.count > 0 ? (e2e.sum / e2e.count) * 1000 : 0,
      };
      options.progress(`ocr-cls with pipeline c${concurrency}: ${run.throughputPerSecond.toFixed(0)} req/s, p50 ${run.latencyMs.p50.toFixed(2)} ms, preprocess ${(run.preprocessShare * 100).toFixed(0)}% of gateway time (${run.meanPreprocessMs.toFixed(2)} of ${run.meanEndToEndMs.toFixed(2)} ms; steps themselves ${run.meanPreprocessComputeMs.toFixed(2)} ms, ${(run.preprocessComputeShare * 100).toFixed(0)}%)`);
      runs.push(run);
    }
    client.close();
    return runs;
  } finally {
    const pids = new Map<number, string>();
    for (const [name, s] of [['gateway', stack.gateway], ['registry', stack.registry], ['preprocess', stack.preprocess], ['worker', stack.workers[0]]] as const) {
      if (s?.process.child.pid) pids.set(s.process.child.pid, name);
    }
    await stack.stop();
    if (options.cpuProfileDir) fs.writeFileSync(path.join(options.cpuProfileDir, 'summary.txt'), summarizeProfiles(options.cpuProfileDir, 25, pids));
  }
}

/** Markdown section for the results file. */
export function renderPipelineShare(runs: readonly PipelineShareRun[]): string {
  if (runs.length === 0) return '';
  return [
    '## ocr-cls with its image pipeline (preprocess share)',
    '',
    'A PNG text line in, a label out, through gateway → maas-preprocess → worker → gateway (postprocessing in the gateway, MAAS_LOCAL_POSTPROCESS). Share = time the gateway spent in pre/post-processing calls over its end-to-end time; step share = the preprocess service\'s own step time (decode, resize, normalize ...) over the same end-to-end time.',
    '',
    '| concurrency | req/s | p50 ms | p99 ms | errors | pre+post ms (mean) | of which steps ms | end-to-end ms (mean) | pre+post share | step share |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...runs.map((r) => `| ${r.concurrency} | ${r.throughputPerSecond.toFixed(0)} | ${r.latencyMs.p50.toFixed(2)} | ${r.latencyMs.p99.toFixed(2)} | ${r.errors} | ${r.meanPreprocessMs.toFixed(2)} | ${r.meanPreprocessComputeMs.toFixed(2)} | ${r.meanEndToEndMs.toFixed(2)} | ${(r.preprocessShare * 100).toFixed(0)}% | ${(r.preprocessComputeShare * 100).toFixed(0)}% |`),
    '',
  ].join('\n');
}
