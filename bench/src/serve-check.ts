import { setTimeout as sleep } from 'node:timers/promises';
import { InferenceClient, type InferInputs } from '@maas/client';
import { decodeRaw } from '@maas/tensor';
import { tlsServerName, type LoadTarget, type WireInput } from './load-generator';

/** A client of the SDK for the checks around a measurement (not the measured path): same address, TLS and key as the load generator. */
export function sdkClientFor(target: Pick<LoadTarget, 'address' | 'tls' | 'apiKey'>): InferenceClient {
  return new InferenceClient({
    address: target.address,
    ...(target.apiKey ? { apiKey: target.apiKey } : {}),
    ...(target.tls ? { tls: { ca: target.tls.ca, cert: target.tls.cert, key: target.tls.key, serverName: tlsServerName(target.address) } } : {}),
    // The check loops itself until its own deadline; one attempt per try keeps each try's error visible.
    retry: { maxAttempts: 1 },
  });
}

/** The bench's wire inputs as SDK inputs (the same values: the raw bytes read as their datatype). */
export function sdkInputs(inputs: readonly WireInput[]): InferInputs {
  return Object.fromEntries(inputs.map((i) => [i.name, { datatype: i.datatype, shape: i.shape, data: decodeRaw(i.name, i.datatype, i.shape, i.bytes) }])) as InferInputs;
}

/**
 * Retries one real ModelInfer (through @maas/client) until it succeeds (model loaded, worker up) and checks
 * the answer has outputs; throws with the last error after `timeoutMs`. Resolves with the outputs, described.
 */
export async function waitUntilServing(target: LoadTarget, timeoutMs: number): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  const client = sdkClientFor(target);
  const inputs = sdkInputs(target.inputs);
  let last: unknown;
  try {
    while (Date.now() < until) {
      try {
        const res = await client.infer(target.model, inputs, { ...(target.version ? { version: target.version } : {}), timeoutMs: Math.min(10_000, Math.max(1, until - Date.now())) });
        const outputs = Object.values(res.outputs);
        if (outputs.length === 0) throw new Error(`${target.model} answered with no outputs`);
        return outputs.map((o) => `${o.name} ${o.datatype}[${o.shape.join(',')}]`);
      } catch (err) {
        last = err;
        await sleep(250);
      }
    }
  } finally {
    client.close();
  }
  throw new Error(`${target.model} at ${target.address} did not serve within ${timeoutMs} ms: ${(last as Error | undefined)?.message ?? 'no answer'}`, { cause: last });
}
