import type { ServiceDefinition } from '@grpc/grpc-js';
import type { ModelInferRequest } from './generated/inference/ModelInferRequest';
import type { ModelInferRequest__Output } from './generated/inference/ModelInferRequest';
import type { ModelInferResponse, ModelInferResponse__Output } from './generated/inference/ModelInferResponse';
import { loadProtos } from './index';

const FILES = ['inference/grpc_service.proto', 'inference/model_config.proto'];

/** [rpc, client streams, server streams] of the published GRPCInferenceService. */
const RPCS: ReadonlyArray<readonly [string, boolean, boolean]> = [
  ['ServerLive', false, false],
  ['ServerReady', false, false],
  ['ModelReady', false, false],
  ['ServerMetadata', false, false],
  ['ModelMetadata', false, false],
  ['ModelInfer', false, false],
  ['ModelStreamInfer', true, true],
  ['ModelConfig', false, false],
  ['ModelStatistics', false, false],
  ['RepositoryIndex', false, false],
  ['RepositoryModelLoad', false, false],
  ['RepositoryModelUnload', false, false],
  ['SystemSharedMemoryStatus', false, false],
  ['SystemSharedMemoryRegister', false, false],
  ['SystemSharedMemoryUnregister', false, false],
  ['CudaSharedMemoryStatus', false, false],
  ['CudaSharedMemoryRegister', false, false],
  ['CudaSharedMemoryUnregister', false, false],
  ['TraceSetting', false, false],
  ['LogSettings', false, false],
];

function service(): ServiceDefinition {
  const def = loadProtos(FILES)['inference.GRPCInferenceService'];
  if (def === undefined || !('ModelInfer' in def)) throw new Error('inference.GRPCInferenceService not loaded');
  return def as ServiceDefinition;
}

describe('inference protos (Open Inference Protocol v2)', () => {
  it('declares exactly the published RPCs with their stream flags and paths', () => {
    const svc = service();
    expect(Object.keys(svc).sort()).toEqual(RPCS.map(([name]) => name).sort());
    for (const [name, requestStream, responseStream] of RPCS) {
      const method = svc[name];
      expect(method?.path).toBe(`/inference.GRPCInferenceService/${name}`);
      expect([name, method?.requestStream, method?.responseStream]).toEqual([name, requestStream, responseStream]);
    }
  });

  it('round-trips a ModelInferRequest with raw_input_contents and parameters', () => {
    const method = service()['ModelInfer'];
    if (method === undefined) throw new Error('ModelInfer missing');
    const raw = Buffer.from(new Float32Array([1.5, -2, 3.25, 4]).buffer);
    const request: ModelInferRequest = {
      model_name: 'cls',
      model_version: '2',
      id: 'req-1',
      parameters: { priority: { int64_param: 3 }, tag: { string_param: 'x' } },
      inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 2] }],
      outputs: [{ name: 'y', parameters: { binary_data: { bool_param: true } } }],
      raw_input_contents: [raw],
    };
    const bytes = method.requestSerialize(request);
    const decoded = method.requestDeserialize(bytes) as ModelInferRequest__Output;
    expect(decoded.model_name).toBe('cls');
    expect(decoded.model_version).toBe('2');
    expect(decoded.id).toBe('req-1');
    expect(decoded.inputs[0]?.shape).toEqual([2, 2]);
    expect(decoded.inputs[0]?.datatype).toBe('FP32');
    expect(decoded.parameters['priority']).toMatchObject({ int64_param: 3, parameter_choice: 'int64_param' });
    expect(decoded.outputs[0]?.parameters['binary_data']?.bool_param).toBe(true);
    expect(decoded.raw_input_contents).toHaveLength(1);
    const back = decoded.raw_input_contents[0];
    expect(Buffer.isBuffer(back)).toBe(true);
    expect(Buffer.compare(back ?? Buffer.alloc(0), raw)).toBe(0);
  });

  it('puts raw_input_contents on field 7 and raw_output_contents on field 6 (published wire layout)', () => {
    const svc = service();
    const infer = svc['ModelInfer'];
    if (infer === undefined) throw new Error('ModelInfer missing');
    // Field 7, wire type 2 (length-delimited): tag byte (7 << 3) | 2 = 0x3a.
    const req = infer.requestSerialize({ raw_input_contents: [Buffer.from([9, 8])] });
    expect([...req]).toEqual([0x3a, 2, 9, 8]);
    // Field 6, wire type 2: tag byte 0x32.
    const response: ModelInferResponse = { raw_output_contents: [Buffer.from([1])] };
    const res = infer.responseSerialize(response);
    expect([...res]).toEqual([0x32, 1, 1]);
    const decoded = infer.responseDeserialize(res) as ModelInferResponse__Output;
    expect([...(decoded.raw_output_contents[0] ?? [])]).toEqual([1]);
  });

  it('decodes typed contents and the ModelConfig message of ModelConfigResponse', () => {
    const svc = service();
    const config = svc['ModelConfig'];
    if (config === undefined) throw new Error('ModelConfig missing');
    const bytes = config.responseSerialize({
      config: {
        name: 'cls',
        platform: 'onnxruntime_onnx',
        max_batch_size: 32,
        input: [{ name: 'x', data_type: 'TYPE_FP32', dims: [3, 48, -1] }],
        dynamic_batching: { preferred_batch_size: [8, 16], max_queue_delay_microseconds: 2000 },
      },
    });
    const decoded = config.responseDeserialize(bytes) as {
      config: { max_batch_size: number; input: Array<{ dims: number[]; data_type: string }>; scheduling_choice: string };
    };
    expect(decoded.config.max_batch_size).toBe(32);
    expect(decoded.config.input[0]).toMatchObject({ dims: [3, 48, -1], data_type: 'TYPE_FP32' });
    expect(decoded.config.scheduling_choice).toBe('dynamic_batching');
  });
});
