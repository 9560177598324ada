import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@maas/testing';
import { encodeRequest, RawInferClient, runClosedLoop, tlsServerName, type LoadOptions, type LoadResult, type LoadTarget } from './load-generator';
import { runEnsureScript } from './peers';
import type { LoadGeneratorReading } from './results';
import { SampleBuffer, summarizeLatencies } from './stats';

/** Builds (once, cached) ghz v0.93.0 with go install; returns the binary. */
export function ensureGhz(): string {
  return runEnsureScript('ensure-ghz.sh');
}

/** The parts of ghz's `--format json` report the bench reads (latencies in nanoseconds). */
export interface GhzReport {
  count: number;
  rps: number;
  average: number;
  latencyDistribution: Array<{ percentage: number; latency: number }> | null;
  errorDistribution: Record<string, number> | null;
  statusCodeDistribution: Record<string, number> | null;
  /** Every call: its start (RFC 3339, nanoseconds), latency (ns) and status. */
  details?: Array<{ timestamp: string; latency: number; status: string; error?: string }> | null;
}

/**
 * How long ghz runs past the measured window. Its clock starts before its first call (connection, proto
 * parsing: ~0.4 s on a busy 2-core machine) and the calls in flight when it stops fail: both must fall
 * outside the window.
 */
export const GHZ_TAIL_MS = 1500;

/** An RFC 3339 timestamp with up to nanosecond digits as epoch milliseconds with the fraction kept. */
export function timestampMs(text: string): number {
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!m) throw new Error(`not an RFC 3339 timestamp: ${JSON.stringify(text)}`);
  const whole = Date.parse(`${m[1]!}${m[3]!}`);
  return whole + (m[2] ? Number(`0.${m[2]}`) * 1000 : 0);
}

/**
 * A closed-loop run measured from ghz's per-call details the way runClosedLoop measures its own: latencies of
 * calls started after the warm-up (exact percentiles), throughput from answers that arrive inside the window,
 * errors by status (started and ended inside the window). ghz runs GHZ_TAIL_MS past the window, so the calls
 * it cuts off when its time is up (they fail with "transport is closing") fall after the window, not in it.
 */
export function loadResultFromGhz(report: GhzReport, options: LoadOptions): LoadResult {
  const details = report.details ?? [];
  if (details.length === 0) throw new Error('ghz reported no calls');
  const calls = details.map((d) => ({ startMs: timestampMs(d.timestamp), latencyMs: d.latency / 1e6, status: d.status, error: d.error ?? '' }));
  // A loop, not Math.min(...): a spread of ~125k calls or more overflows the stack (a fast target at c128 gives that many).
  const start = calls.reduce((min, c) => Math.min(min, c.startMs), Infinity);
  const measureFrom = start + options.warmupMs;
  const measureUntil = measureFrom + options.durationMs;
  const latencies = new SampleBuffer();
  const errorKinds: LoadResult['errorKinds'] = {};
  let errors = 0;
  let completedInWindow = 0;
  let ok = 0;
  for (const c of calls) {
    const end = c.startMs + c.latencyMs;
    if (c.status === 'OK') {
      ok++;
      if (c.startMs >= measureFrom) latencies.push(c.latencyMs);
      if (end >= measureFrom && end <= measureUntil) completedInWindow++;
    } else if (c.startMs >= measureFrom && end <= measureUntil) {
      errors++;
      const entry = (errorKinds[c.status] ??= { count: 0, message: c.error });
      entry.count++;
    }
  }
  if (latencies.length === 0) throw new Error(`ghz: no successful call after the warm-up (${Object.entries(report.statusCodeDistribution ?? {}).map(([k, v]) => `${k} ×${v}`).join(', ')})`);
  return {
    concurrency: options.concurrency,
    durationS: options.durationMs / 1000,
    requests: latencies.length,
    errors,
    errorKinds,
    throughputPerSecond: completedInWindow / (options.durationMs / 1000),
    latencyMs: summarizeLatencies(latencies.values()),
    callsIncludingWarmup: ok,
  };
}

/** ghz's connection flags: mutual TLS with the target's CA and client pair (the server name checked as the bench's own client checks it), or plaintext. */
export function ghzTransportArgs(target: Pick<LoadTarget, 'address' | 'tls' | 'apiKey'>): string[] {
  const auth = target.apiKey ? [`--metadata=${JSON.stringify({ authorization: `Bearer ${target.apiKey}` })}`] : [];
  if (!target.tls) return ['--insecure', ...auth];
  return [`--cacert=${target.tls.caFile}`, `--cert=${target.tls.certFile}`, `--key=${target.tls.keyFile}`, `--cname=${tlsServerName(target.address)}`, ...auth];
}

function ghzArgs(payloadFile: string, client: RawInferClient, options: LoadOptions): string[] {
  return [
    ...ghzTransportArgs(client.target),
    `--proto=${path.join(REPO_ROOT, 'protos/inference/grpc_service.proto')}`,
    `--import-paths=${path.join(REPO_ROOT, 'protos')}`,
    '--call=inference.GRPCInferenceService.ModelInfer',
    `--binary-file=${payloadFile}`,
    `--concurrency=${options.concurrency}`,
    '--connections=1',
    `--timeout=${Math.ceil(options.timeoutMs / 1000)}s`,
  ];
}

/**
 * runClosedLoop with ghz as the client: one connection, `concurrency` workers, warm-up and window in one ghz
 * run of warm-up + duration + GHZ_TAIL_MS, measured from its per-call details (loadResultFromGhz). Also returns ghz's own
 * CPU per call (ghz is a child process: its CPU is read when it has been waited for).
 */
export async function runGhzClosedLoop(client: RawInferClient, options: LoadOptions): Promise<LoadResult & { clientCpuMsPerRequest: number }> {
  const ghz = ensureGhz();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maas-bench-ghz-'));
  try {
    const payloadFile = path.join(dir, 'request.bin');
    fs.writeFileSync(payloadFile, ghzPayload(client));
    const outFile = path.join(dir, 'report.json');
    const seconds = (options.warmupMs + options.durationMs + GHZ_TAIL_MS) / 1000;
    const cpuBefore = reapedChildrenCpuMs();
    await promisify(execFile)(ghz, [...ghzArgs(payloadFile, client, options), `--duration=${seconds}s`, '--format=json', `--output=${outFile}`, client.target.address], { maxBuffer: 16 * 1024 * 1024 });
    const cpuMs = reapedChildrenCpuMs() - cpuBefore;
    const result = loadResultFromGhz(JSON.parse(fs.readFileSync(outFile, 'utf8')) as GhzReport, options);
    return { ...result, clientCpuMsPerRequest: cpuMs / Math.max(1, result.callsIncludingWarmup) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU ms of this process's children that have exited and been waited for (cutime + cstime). */
function reapedChildrenCpuMs(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) || 0) + (Number(fields[14]) || 0)) * 10;
}

/**
 * The same ModelInfer bytes the bench's load generator sends, as ghz's binary call data. ghz runs even binary
 * data through Go templates, so a payload holding `{{` would be rewritten or rejected: it is refused here.
 */
export function ghzPayload(client: RawInferClient): Buffer {
  const bytes = encodeRequest(client.target);
  if (bytes.includes('{{')) throw new Error(`the ${client.target.model} request holds "{{", which ghz would read as a Go template; change its data`);
  return bytes;
}

/**
 * Drives one target with ghz (one connection, as the bench's client) and then with the bench's own load
 * generator, at the same concurrency and for the same time, and returns both readings.
 */
export async function compareWithGhz(client: RawInferClient, options: LoadOptions): Promise<LoadGeneratorReading[]> {
  const viaGhz = await runGhzClosedLoop(client, options);
  const cpu0 = process.cpuUsage();
  const ours = await runClosedLoop(client, options);
  const cpu = process.cpuUsage(cpu0);
  const reading = (tool: 'bench' | 'ghz', r: LoadResult, clientCpuMsPerRequest: number): LoadGeneratorReading => ({
    tool,
    requests: r.requests,
    errors: r.errors,
    throughputPerSecond: r.throughputPerSecond,
    latencyMs: { p50: r.latencyMs.p50, p90: r.latencyMs.p90, p99: r.latencyMs.p99, mean: r.latencyMs.mean },
    clientCpuMsPerRequest,
  });
  return [reading('bench', ours, (cpu.user + cpu.system) / 1000 / Math.max(1, ours.callsIncludingWarmup)), reading('ghz', viaGhz, viaGhz.clientCpuMsPerRequest)];
}
