import * as grpc from '@grpc/grpc-js';
import type { GRPCInferenceServiceClient } from '@maas/protos';
import { inferFp32 } from '../support/inference-client';

/** One request of a closed-loop run: when it started and ended (ms since the run's start) and its gRPC status. */
export interface RequestRecord {
  startMs: number;
  endMs: number;
  /** 0 = OK. */
  code: number;
  message?: string;
}

/** A closed loop: `concurrency` callers, each sending its next request when the last one is answered. */
export interface ClosedLoopOptions {
  client: () => GRPCInferenceServiceClient;
  model: string;
  input: { name: string; shape: number[]; values: Float32Array };
  concurrency: number;
  durationMs: number;
  /** Per-request deadline. */
  deadlineMs: number;
  /** A caller pauses this long after a failure (a real client's backoff), so a fast-failing fault is not a busy loop. */
  backoffMs?: number;
}

/** Runs the loop; `t0` is the run's time origin (Date.now()). Resolves with every request once all are answered. */
export async function closedLoop(options: ClosedLoopOptions, t0: number): Promise<RequestRecord[]> {
  const records: RequestRecord[] = [];
  const stopAt = t0 + options.durationMs;
  const caller = async (): Promise<void> => {
    let client = options.client();
    while (Date.now() < stopAt) {
      const startMs = Date.now() - t0;
      try {
        await inferFp32(client, options.model, [options.input], { timeoutMs: options.deadlineMs });
        records.push({ startMs, endMs: Date.now() - t0, code: 0 });
      } catch (err) {
        const e = err as grpc.ServiceError;
        records.push({ startMs, endMs: Date.now() - t0, code: typeof e.code === 'number' ? e.code : grpc.status.UNKNOWN, message: e.details ?? e.message });
        if (e.code === grpc.status.UNAVAILABLE) {
          // The connection may be gone with its server (a killed gateway): a fresh channel, as a client would.
          client.close();
          client = options.client();
        }
        await new Promise((r) => setTimeout(r, options.backoffMs ?? 50));
      }
    }
    client.close();
  };
  await Promise.all(Array.from({ length: options.concurrency }, () => caller()));
  return records;
}
