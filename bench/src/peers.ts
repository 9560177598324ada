import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT, type ManagedProcess } from '@maas/testing';
import type { BenchModel } from './models';
import type { CpuWatch } from './process-cpu';
import type { BatchingKind, PeerName } from './results';

/** How a peer serves each model: the same two variants as maas where it can batch, the same threads. */
export interface PeerOptions {
  maxBatchSize: number;
  maxQueueDelayUs: number;
  intraOpThreads: number;
  interOpThreads: number;
  /** MLServer's parallel_workers (the other peers have no such setting). */
  parallelWorkers: number;
}

/** A running peer server. */
export interface PeerServer {
  peer: PeerName;
  grpcAddress: string;
  /** Versions and settings, for the report. */
  version: string;
  /** The variants it serves, as `<model>-<variant>`: KServe has no dynamic batching, so only unbatched. */
  variants: BatchingKind[];
  process: ManagedProcess;
  /** Its processes for the CPU columns (the server and, where it has them, its model processes apart). */
  cpuWatch: CpuWatch;
  stop(): Promise<void>;
}

/** Runs one of scripts/tools/ensure-*.sh (pinned, cached installs) and returns what it printed. */
export function runEnsureScript(name: string): string {
  const script = path.join(REPO_ROOT, 'scripts/tools', name);
  return execFileSync(script, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

/** Parses the key=value lines an ensure script prints; throws naming a key that is missing. */
export function keyValues(text: string, keys: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) out[line.slice(0, at)] = line.slice(at + 1);
  }
  for (const k of keys) if (!out[k]) throw new Error(`the install script printed no ${k}= line:\n${text}`);
  return out;
}

/** The served name of one model variant, the same on every server. */
export function servedName(model: BenchModel, variant: BatchingKind): string {
  return `${model.name}-${variant}`;
}
