import { PEER_NAMES, serverOf, type ModelRatios, type PeerName, type PeerRatios, type RawResult, type ServerName, type ServingRun, type ServingVariant } from './results';

function find(runs: readonly ServingRun[], variant: ServingVariant, concurrency: number): ServingRun | undefined {
  return runs.find((r) => r.variant === variant && r.concurrency === concurrency);
}

function runsOf(runs: readonly ServingRun[], server: ServerName): ServingRun[] {
  return runs.filter((r) => serverOf(r.variant) === server);
}

function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  return a / b;
}

/** Best (highest) throughput of a server over its variants and concurrencies; null when it has no run. */
export function bestThroughput(runs: readonly ServingRun[], server: ServerName): number | null {
  const mine = runsOf(runs, server);
  return mine.length ? Math.max(...mine.map((r) => r.throughputPerSecond)) : null;
}

/** A server's run at concurrency 1 with the lowest p50 (either variant). */
export function bestAtC1(runs: readonly ServingRun[], server: ServerName): ServingRun | undefined {
  return runsOf(runs, server)
    .filter((r) => r.concurrency === 1)
    .sort((a, b) => a.latencyMs.p50 - b.latencyMs.p50)[0];
}

/** A server's run at the highest concurrency it was measured at, the variant with more throughput there. */
export function bestAtTop(runs: readonly ServingRun[], server: ServerName): ServingRun | undefined {
  const mine = runsOf(runs, server);
  const top = Math.max(...mine.map((r) => r.concurrency));
  return mine.filter((r) => r.concurrency === top).sort((a, b) => b.throughputPerSecond - a.throughputPerSecond)[0];
}

/** Total server CPU per request of a run (every process summed), ms; null when not read. */
export function totalCpuMs(run: ServingRun | undefined): number | null {
  if (!run?.cpuMsPerRequest || Object.keys(run.cpuMsPerRequest).length === 0) return null;
  return Object.values(run.cpuMsPerRequest).reduce((a, b) => a + b, 0);
}

function peerRatios(runs: readonly ServingRun[], peer: PeerName): PeerRatios {
  const p99: Record<string, number> = {};
  const concurrencies = [...new Set(runs.map((r) => r.concurrency))].sort((a, b) => a - b);
  for (const c of concurrencies) {
    const kind = c === 1 ? 'unbatched' : 'batched';
    // A peer without dynamic batching (KServe) is paired with the only variant it has.
    const theirs = find(runs, `${peer}-${kind}`, c) ?? find(runs, `${peer}-unbatched`, c);
    const value = ratio(find(runs, `maas-${kind}`, c)?.latencyMs.p99, theirs?.latencyMs.p99);
    if (value !== null) p99[`c${c}`] = value;
  }
  return {
    p50C1: ratio(bestAtC1(runs, 'maas')?.latencyMs.p50, bestAtC1(runs, peer)?.latencyMs.p50),
    throughput: ratio(bestThroughput(runs, 'maas'), bestThroughput(runs, peer)),
    cpuPerRequestTop: ratio(totalCpuMs(bestAtTop(runs, 'maas')), totalCpuMs(bestAtTop(runs, peer))),
    p99,
  };
}

/** Computes a model's ratios from its raw result and its serving runs. */
export function computeRatios(raw: RawResult | null, runs: readonly ServingRun[]): ModelRatios {
  const c1 = (variant: ServingVariant) => find(runs, variant, 1);
  const overhead = (variant: ServingVariant, q: 'p50' | 'p99'): number | null => {
    const run = c1(variant);
    return run && raw ? run.latencyMs[q] - raw.latencyBatch1Ms[q] : null;
  };
  const vsPeers: Partial<Record<PeerName, PeerRatios>> = {};
  if (runsOf(runs, 'maas').length > 0) {
    for (const peer of PEER_NAMES) if (runsOf(runs, peer).length > 0) vsPeers[peer] = peerRatios(runs, peer);
  }
  return {
    overheadP50Ms: { batched: overhead('maas-batched', 'p50'), unbatched: overhead('maas-unbatched', 'p50') },
    overheadP99Ms: { batched: overhead('maas-batched', 'p99'), unbatched: overhead('maas-unbatched', 'p99') },
    throughputVsRaw: ratio(bestThroughput(runs, 'maas'), raw?.throughputItemsPerSecond),
    vsPeers,
  };
}
