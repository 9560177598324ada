import { status as GrpcStatus } from '@grpc/grpc-js';
import type { RequestRecord } from './load';

/** What one fault run measured. */
export interface FaultFigures {
  fault: string;
  /** What maas promises for this fault, in one line. */
  promise: string;
  requests: number;
  ok: number;
  /** Failed requests by gRPC status name. */
  failed: Record<string, number>;
  /** Requests answered only at their deadline (DEADLINE_EXCEEDED) or later. */
  hung: number;
  /** Requests not answered OK, and not answered fast (< fastMs) with a retryable status where the fault allows it. */
  lost: number;
  /** First failure to last failure, ms (0 without failures). */
  errorWindowMs: number;
  /** Fault to the last failed answer, ms (0 without failures). */
  recoveryMs: number;
  /** Fault to the first OK answer of a request sent after the fault, ms. */
  firstOkAfterFaultMs: number | null;
  p50LatencyMs: number;
  p99LatencyMs: number;
  maxLatencyMs: number;
  /** When the fault was injected, ms after the load started. */
  faultAtMs: number;
  /** Fault-specific observations (jobs held by the killed worker, failover time, leftovers...). */
  details: Record<string, number | string | boolean>;
}

const NAMES = Object.fromEntries(Object.entries(GrpcStatus).filter(([, v]) => typeof v === 'number').map(([k, v]) => [v, k])) as Record<number, string>;

/** Statuses a caller may retry at once; only these count as "answered fast with a clear retryable status". */
const RETRYABLE = new Set<number>([GrpcStatus.UNAVAILABLE, GrpcStatus.RESOURCE_EXHAUSTED]);

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Turns a run's records into figures. `retryableAllowed`: the fault itself makes some failures unavoidable
 * (e.g. the gateway the caller is connected to is killed), so fast retryable answers are not counted lost.
 */
export function figuresOf(
  fault: string, promise: string, records: readonly RequestRecord[], faultAtMs: number, deadlineMs: number,
  options: { retryableAllowed: boolean; fastMs?: number; details?: Record<string, number | string | boolean> },
): FaultFigures {
  const fastMs = options.fastMs ?? 2000;
  const failures = records.filter((r) => r.code !== 0);
  const failed: Record<string, number> = {};
  for (const r of failures) failed[NAMES[r.code] ?? String(r.code)] = (failed[NAMES[r.code] ?? String(r.code)] ?? 0) + 1;
  const hung = records.filter((r) => r.code === GrpcStatus.DEADLINE_EXCEEDED || r.endMs - r.startMs >= deadlineMs).length;
  const lost = failures.filter((r) => !(options.retryableAllowed && RETRYABLE.has(r.code) && r.endMs - r.startMs < fastMs)).length;
  const latencies = records.map((r) => r.endMs - r.startMs).sort((a, b) => a - b);
  const firstOk = records.filter((r) => r.code === 0 && r.startMs >= faultAtMs).map((r) => r.endMs).sort((a, b) => a - b)[0];
  return {
    fault, promise,
    requests: records.length,
    ok: records.length - failures.length,
    failed, hung, lost,
    errorWindowMs: failures.length ? Math.max(...failures.map((r) => r.endMs)) - Math.min(...failures.map((r) => r.endMs)) : 0,
    recoveryMs: failures.length ? Math.max(0, Math.max(...failures.map((r) => r.endMs)) - faultAtMs) : 0,
    firstOkAfterFaultMs: firstOk === undefined ? null : firstOk - faultAtMs,
    p50LatencyMs: percentile(latencies, 50),
    p99LatencyMs: percentile(latencies, 99),
    maxLatencyMs: latencies[latencies.length - 1] ?? 0,
    faultAtMs,
    details: options.details ?? {},
  };
}

/** A Markdown table, one row per fault. */
export function figuresTable(rows: readonly FaultFigures[]): string {
  const head = '| fault | requests | OK | failed (by status) | hung | lost | error window ms | recovery ms | first OK after fault ms | p99 / max latency ms | details |';
  const sep = '| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |';
  const lines = rows.map((f) => `| ${f.fault} | ${f.requests} | ${f.ok} | ${Object.entries(f.failed).map(([k, v]) => `${k} ${v}`).join(', ') || '—'} | ${f.hung} | ${f.lost} | ${f.errorWindowMs} | ${f.recoveryMs} | ${f.firstOkAfterFaultMs ?? '—'} | ${f.p99LatencyMs} / ${f.maxLatencyMs} | ${Object.entries(f.details).map(([k, v]) => `${k}=${v}`).join(', ')} |`);
  return [head, sep, ...lines].join('\n');
}
