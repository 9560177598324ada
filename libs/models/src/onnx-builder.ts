import { onnx } from 'onnx-proto';

/** A tensor element type of the generated fixtures. */
export type FixtureElementType = 'float32' | 'int64';

const ELEMENT_TYPE: Record<FixtureElementType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
};

/** A graph input/output: name, element type and dims (a string is a symbolic dim such as "batch"). */
export interface ValueSpec {
  name: string;
  type: FixtureElementType;
  dims: Array<number | string>;
}

/** A graph node: op type, input and output names, int / ints / float attributes. */
export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes?: Record<string, number | number[]>;
}

/** A constant weight tensor of the graph. */
export interface InitializerSpec {
  name: string;
  dims: number[];
  float32?: Float32Array;
  int64?: number[];
}

function valueInfo(spec: ValueSpec): onnx.IValueInfoProto {
  return {
    name: spec.name,
    type: {
      tensorType: {
        elemType: ELEMENT_TYPE[spec.type],
        shape: { dim: spec.dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

function attribute(name: string, value: number | number[]): onnx.IAttributeProto {
  if (Array.isArray(value)) return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: value };
  if (Number.isInteger(value)) return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
  return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: value };
}

function initializer(spec: InitializerSpec): onnx.ITensorProto {
  if (spec.float32) {
    const raw = new Uint8Array(spec.float32.buffer, spec.float32.byteOffset, spec.float32.byteLength);
    return { name: spec.name, dims: spec.dims, dataType: ELEMENT_TYPE.float32, rawData: raw };
  }
  return { name: spec.name, dims: spec.dims, dataType: ELEMENT_TYPE.int64, int64Data: spec.int64 ?? [] };
}

/** Serializes a single-graph ONNX model (opset 13, IR 7: loads in every onnxruntime since 1.8). */
export function buildModel(graph: { name: string; inputs: ValueSpec[]; outputs: ValueSpec[]; nodes: NodeSpec[]; initializers?: InitializerSpec[]; doc?: string }): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'maas-models',
    opsetImport: [{ domain: '', version: 13 }],
    docString: graph.doc ?? '',
    graph: {
      name: graph.name,
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
      initializer: (graph.initializers ?? []).map(initializer),
      node: graph.nodes.map((n, i) => ({
        name: `${n.op.toLowerCase()}_${i}`,
        opType: n.op,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attributes ?? {}).map(([k, v]) => attribute(k, v)),
      })),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Deterministic pseudo-random weights in [-scale, scale] (a fixed formula, so every run builds the same model). */
export function fixedWeights(count: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.sin((i + 1) * 12.9898 + seed * 78.233) * scale;
  return out;
}
