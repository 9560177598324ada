import { setTimeout as sleep } from 'node:timers/promises';
import type { RawInferClient } from './load-generator';

/**
 * Retries one real ModelInfer until it succeeds (model loaded, worker up) and checks the answer has outputs;
 * throws with the last error after `timeoutMs`.
 */
export async function waitUntilServing(client: RawInferClient, timeoutMs: number): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const res = await client.callDecoded(Math.min(10_000, Math.max(1, until - Date.now())));
      const outputs = res.outputs ?? [];
      if (outputs.length === 0) throw new Error(`${client.target.model} answered with no outputs`);
      return outputs.map((o) => `${o.name ?? '?'} ${o.datatype ?? '?'}[${(o.shape ?? []).join(',')}]`);
    } catch (err) {
      last = err;
      await sleep(250);
    }
  }
  throw new Error(`${client.target.model} at ${client.target.address} did not serve within ${timeoutMs} ms: ${(last as Error | undefined)?.message ?? 'no answer'}`, { cause: last });
}
