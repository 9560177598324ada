import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { GRPCInferenceServiceClient } from '@maas/protos';
import { inferFp32 } from '../support/inference-client';

/** Where `make cluster-up` and `make cluster-deploy` left their files. */
export const STATE_DIR = path.resolve(__dirname, '../../.run/cluster');

/** The deployed release, as scripts/cluster/deploy.sh recorded it in .run/cluster/endpoints. */
export interface Deployment {
  namespace: string;
  release: string;
  /** ClusterIP of the gateway Service (gRPC 8001, HTTP 8000). */
  gateway: string;
  /** host:port of the registry Service. */
  registry: string;
  apiKey: string;
}

/** Reads the deployment, or explains how to make one: these tests run inside `.run/cluster/exec`. */
export function readDeployment(): Deployment {
  const file = path.join(STATE_DIR, 'endpoints');
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run make cluster-up cluster-deploy first (make cluster-test does)`);
  const kv = Object.fromEntries(
    fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  ) as Record<string, string>;
  return {
    namespace: kv['namespace']!,
    release: kv['release']!,
    gateway: kv['gateway']!,
    registry: kv['registry']!,
    apiKey: fs.readFileSync(path.join(STATE_DIR, 'api-key'), 'utf8').trim(),
  };
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Runs kubectl against the local cluster (the exec wrapper set KUBECONFIG and PATH). */
export function kubectl(args: string[], timeoutMs = 120_000): Promise<string> {
  return run('kubectl', args, timeoutMs);
}

/** Runs helm against the local cluster. */
export function helm(args: string[], timeoutMs = 600_000): Promise<string> {
  return run('helm', args, timeoutMs);
}

/** kubectl get ... -o json, parsed. */
export async function getJson<T = { items: Array<Record<string, unknown>> }>(args: string[]): Promise<T> {
  return JSON.parse(await kubectl([...args, '-o', 'json'])) as T;
}

/** A pod as these tests read it. */
export interface PodInfo {
  name: string;
  uid: string;
  phase: string;
  ready: boolean;
  deleting: boolean;
}

interface PodJson {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  status: { phase: string; conditions?: Array<{ type: string; status: string }> };
}

/** The pods matching a label selector. */
export async function pods(namespace: string, selector: string): Promise<PodInfo[]> {
  const list = await getJson<{ items: PodJson[] }>(['-n', namespace, 'get', 'pods', '-l', selector]);
  return list.items.map((p) => ({
    name: p.metadata.name,
    uid: p.metadata.uid,
    phase: p.status.phase,
    ready: p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    deleting: p.metadata.deletionTimestamp !== undefined,
  }));
}

/** Bearer-key metadata for gRPC calls. */
export function keyMetadata(apiKey: string): grpc.Metadata {
  const m = new grpc.Metadata();
  m.set('authorization', `Bearer ${apiKey}`);
  return m;
}

/** What a load run saw: every request either succeeded or is listed with its error. */
export interface LoadResult {
  ok: number;
  failures: string[];
}

/**
 * Sends `concurrency` streams of back-to-back requests to a [batch, 4] FP32 model until stop() is
 * called; resolves with the counts once every request in flight has finished.
 */
export function startLoad(
  client: GRPCInferenceServiceClient,
  model: string,
  apiKey: string,
  concurrency: number,
  timeoutMs = 60_000,
): { stop: () => Promise<LoadResult> } {
  const result: LoadResult = { ok: 0, failures: [] };
  let running = true;
  const input = new Float32Array([0.1, 0.2, 0.3, 0.4]);
  const lanes = Array.from({ length: concurrency }, async () => {
    while (running) {
      try {
        await inferFp32(client, model, [{ name: 'x', shape: [1, 4], values: input }], { timeoutMs, metadata: keyMetadata(apiKey) });
        result.ok++;
      } catch (err) {
        result.failures.push(`${new Date().toISOString()} ${(err as Error).message}`);
      }
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(lanes);
      return result;
    },
  };
}

/** Resolves when `check` returns true; rejects after `timeoutMs` naming `what` and the last value seen. */
export async function eventually<T>(what: string, timeoutMs: number, read: () => Promise<T>, check: (v: T) => boolean, everyMs = 1000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastErr: unknown;
  for (;;) {
    try {
      last = await read();
      if (check(last)) return last;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs} ms (last: ${JSON.stringify(last)}${lastErr ? `, error: ${(lastErr as Error).message}` : ''})`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
