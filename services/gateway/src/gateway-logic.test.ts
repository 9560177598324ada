import { InvalidArgumentError } from '@maas/errors';
import type { RegistryModelVersion } from '@maas/protos';
import type { Tensor } from '@maas/tensor';
import { parseVersionSelector, pickTarget, type ResolvedModel } from './model-catalog';
import { modelConfig } from './model-info';
import { validateAgainstModel } from './validate';

const version = (over: Partial<RegistryModelVersion> = {}): RegistryModelVersion =>
  ({
    model: 'mlp', version: 3, sha256: '', size_bytes: 0, batch_dim: true, created_unix_ms: 0, artifact_kind: 'onnx', files: [], user_metadata: {},
    inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }],
    outputs: [{ name: 'probs', datatype: 'FP32', shape: [-1, 3] }],
    config: { batching: { max_batch_size: 8, dynamic_batching: true, max_queue_delay_us: 500, preferred_batch_sizes: [4, 8] }, runtime: null, pipeline_json: '', labels: [], max_queue_depth: 0 },
    ...over,
  }) as RegistryModelVersion;

const fp32 = (name: string, shape: number[]): Tensor => ({ name, datatype: 'FP32', shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });

describe('version selector', () => {
  it('reads "", numbers and aliases', () => {
    expect(parseVersionSelector('')).toEqual({ version: 0, alias: '' });
    expect(parseVersionSelector('12')).toEqual({ version: 12, alias: '' });
    expect(parseVersionSelector('staging')).toEqual({ version: 0, alias: 'staging' });
  });
  it('refuses junk with a clear message', () => {
    expect(() => parseVersionSelector('0')).toThrow(/positive integer/);
    expect(() => parseVersionSelector('Bad Alias!')).toThrow(InvalidArgumentError);
  });
});

describe('canary pick', () => {
  const resolved: ResolvedModel = {
    model: 'mlp', alias: 'production', ownerTenant: '',
    targets: [{ version: version({ version: 3 }), weight: 90 }, { version: version({ version: 4 }), weight: 10 }],
  };
  it('follows the weights', () => {
    expect(pickTarget(resolved, () => 0.0).version).toBe(3);
    expect(pickTarget(resolved, () => 0.899).version).toBe(3);
    expect(pickTarget(resolved, () => 0.9).version).toBe(4);
    expect(pickTarget(resolved, () => 0.9999).version).toBe(4);
  });
  it('splits a stream of picks close to 90/10', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let v4 = 0;
    for (let i = 0; i < 10_000; i++) if (pickTarget(resolved, rnd).version === 4) v4++;
    expect(v4).toBeGreaterThan(800);
    expect(v4).toBeLessThan(1200);
  });
});

describe('validation against model metadata', () => {
  it('accepts a matching request', () => {
    expect(() => validateAgainstModel(version(), [fp32('x', [2, 4])], ['probs'])).not.toThrow();
  });
  it.each([
    ['unknown input', [fp32('y', [2, 4])], [], /unknown input "y".*expects "x" FP32\[-1,4\]/],
    ['wrong datatype', [{ ...fp32('x', [2, 4]), datatype: 'FP64', data: new Float64Array(8) }], [], /input "x": datatype FP64 .* expected FP32/],
    ['wrong shape', [fp32('x', [2, 5])], [], /input "x": shape \[2,5\] .* expected \[-1,4\]/],
    ['batch over max', [fp32('x', [9, 4])], [], /batch size 9 is over the maximum of 8/],
    ['missing input', [], [], /missing input "x" FP32\[-1,4\]/],
    ['unknown output', [fp32('x', [1, 4])], ['logits'], /unknown output "logits"/],
  ])('refuses %s', (_name, inputs, outputs, message) => {
    expect(() => validateAgainstModel(version(), inputs as Tensor[], outputs as string[])).toThrow(message as RegExp);
  });
});

describe('ModelConfig', () => {
  it('drops the batch dim from dims when batching (Triton convention)', () => {
    const c = modelConfig(version());
    expect(c.max_batch_size).toBe(8);
    expect(c.input).toEqual([{ name: 'x', data_type: 'TYPE_FP32', dims: [4] }]);
    expect(c.dynamic_batching).toEqual({ preferred_batch_size: [4, 8], max_queue_delay_microseconds: 500 });
    expect(modelConfig(version({ batch_dim: false })).input[0]!.dims).toEqual([-1, 4]);
  });
});
