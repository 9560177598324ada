import * as v8 from 'node:v8';
import { DEFAULT_HEAP_GROWING_PERCENT } from '@maas/config';

export { DEFAULT_HEAP_GROWING_PERCENT };

/**
 * The V8 flag of MAAS_HEAP_GROWING_PERCENT: after each full collection the old generation may grow to
 * (1 + percent/100) × what survived before the next one starts. None for 0: V8's own factor (1.1–4, from how fast
 * it collects against how fast the process allocates).
 *
 * Why a service sets it: the buffers of large tensors (an OCR request's 110 KB, in the gateway's HTTP/2 reads,
 * its request body and the worker's Redis reads) live outside the JS heap, and V8 counts them against the same
 * limit. With ~20 MB of live heap and V8's factor near its minimum, a few MB of such buffers started a full
 * collection: 5–12 a second in both gateway and worker at OCR c128 (docs/performance.md).
 */
export function heapGrowingFlags(percent: number): string[] {
  if (!Number.isInteger(percent) || percent < 0) throw new RangeError(`heap growing percent must be an integer ≥ 0, got ${percent}`);
  return percent === 0 ? [] : [`--heap-growing-percent=${percent}`];
}

/** Sets MAAS_HEAP_GROWING_PERCENT in this process's V8 (from the next collection on); 0 leaves V8's heuristics. */
export function applyHeapGrowing(percent: number): void {
  for (const flag of heapGrowingFlags(percent)) v8.setFlagsFromString(flag);
}
