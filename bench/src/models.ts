import type * as ort from 'onnxruntime-node';
import { benchModelFile } from './model-files';
import type { WireInput } from './load-generator';

/** What the bench needs to know about a model beyond its file. */
export interface BenchModelSpec {
  name: string;
  description: string;
  /** Sizes of dims the model leaves symbolic, other than the batch dim, per input. */
  fixedDims?: Record<string, number[]>;
}

/** The models `make bench` measures (BENCH_MODELS picks among them). */
export const BENCH_MODEL_SPECS: readonly BenchModelSpec[] = [
  { name: 'identity', description: 'Generated identity model: the platform cost alone (compute ~0.04 ms).' },
  {
    name: 'mlp',
    description:
      'Generated small MLP classifier (x float32[N,4] → softmax [N,3], fixed weights), standing in for a "small real model": Silero VAD v6 is left out because its state input is [2, N, 128] (batch on dim 1) and its sr input a scalar, so requests cannot be stacked on dim 0 and dynamic batching — half of what is measured — would not apply.',
  },
  { name: 'ocr-cls', description: 'PaddleOCR text-orientation classifier ch_ppocr_mobile_v2.0_cls, x float32[N,3,48,192] → [N,2], no pre/post pipeline.', fixedDims: { x: [3, 48, 192] } },
];

/** One input of a resolved model: one item's shape (no batch dim) and deterministic data for it. */
export interface BenchInput {
  name: string;
  itemShape: number[];
  itemData: Float32Array;
}

/** One output of a resolved model: its name and one item's shape (no batch dim; -1 where the model leaves it open). */
export interface BenchOutput {
  name: string;
  itemShape: number[];
}

/** A model ready to measure: file, inputs with data, outputs (peers that need a config are told them). */
export interface BenchModel {
  name: string;
  description: string;
  file: string;
  inputs: BenchInput[];
  outputs: BenchOutput[];
}

/** Deterministic values in [0, 1) (a fixed LCG), so every run and every target sees the same input. */
export function deterministicData(length: number, seed = 12345): Float32Array {
  const out = new Float32Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32;
  }
  return out;
}

/**
 * Removes every `{{` from the bytes of `data` (little-endian floats) by clearing the low bit of the second
 * brace: ghz runs even binary call data through Go templates, and the same bytes go to every target. The
 * change is at most one step in one byte of a value; returns how many were changed.
 */
export function withoutTemplateBraces(data: Float32Array): number {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  let changed = 0;
  for (let i = 0; i + 1 < bytes.length; i++) {
    if (bytes[i] === 0x7b && bytes[i + 1] === 0x7b) {
      bytes[i + 1] = 0x7a;
      changed++;
    }
  }
  return changed;
}

/**
 * Works out one item's shape per input from the model's own metadata: dim 0 is the batch dim, numeric dims are
 * kept, symbolic ones come from `fixedDims`. Throws naming the model and input when a dim is left unknown.
 */
export function itemShapes(spec: BenchModelSpec, metadata: readonly ort.InferenceSession.ValueMetadata[]): Array<{ name: string; itemShape: number[] }> {
  return metadata.map((m) => {
    if (!m.isTensor) throw new Error(`${spec.name}: input ${m.name} is not a tensor`);
    if (m.type !== 'float32') throw new Error(`${spec.name}: input ${m.name} is ${m.type}; the bench sends float32 only`);
    const fixed = spec.fixedDims?.[m.name];
    if (fixed) return { name: m.name, itemShape: fixed };
    const rest = m.shape.slice(1);
    const shape = rest.map((d) => (typeof d === 'number' && d > 0 ? d : NaN));
    if (m.shape.length === 0 || shape.some(Number.isNaN)) {
      throw new Error(`${spec.name}: input ${m.name} has shape [${m.shape.join(', ')}]; give its non-batch dims in fixedDims (models.ts)`);
    }
    return { name: m.name, itemShape: shape };
  });
}

/** Resolves a spec: the file, and inputs read from an ONNX Runtime session's metadata. */
export async function resolveBenchModel(spec: BenchModelSpec, open: (file: string) => Promise<ort.InferenceSession>): Promise<BenchModel> {
  const file = benchModelFile(spec.name);
  const session = await open(file);
  try {
    const inputs = itemShapes(spec, session.inputMetadata).map((s, i) => {
      const itemData = deterministicData(s.itemShape.reduce((a, b) => a * b, 1), 1000 + i);
      withoutTemplateBraces(itemData);
      return { ...s, itemData };
    });
    const outputs = session.outputMetadata.map((m) => {
      if (!m.isTensor || m.type !== 'float32') throw new Error(`${spec.name}: output ${m.name} is not a float32 tensor; the peers' configs assume one`);
      return { name: m.name, itemShape: m.shape.slice(1).map((d) => (typeof d === 'number' && d > 0 ? d : -1)) };
    });
    return { name: spec.name, description: spec.description, file, inputs, outputs };
  } finally {
    await session.release();
  }
}

/** The wire form of one request (batch 1) for a model. */
export function wireInputs(model: BenchModel): WireInput[] {
  return model.inputs.map((i) => ({ name: i.name, datatype: 'FP32', shape: [1, ...i.itemShape], bytes: Buffer.from(i.itemData.buffer, i.itemData.byteOffset, i.itemData.byteLength) }));
}
