import { messageField, numberField, parsePbtxt, stringField } from './pbtxt';
import { toModelName } from './triton-repository';

describe('config.pbtxt reader', () => {
  it('reads the fields a Triton ONNX config uses', () => {
    const config = parsePbtxt(`
      name: "densenet_onnx"   # comment
      platform: "onnxruntime_onnx"
      max_batch_size : 8
      input [
        { name: "data_0", data_type: TYPE_FP32, dims: [ 3, 224, 224 ] }
      ]
      output { name: "fc6_1" data_type: TYPE_FP32 dims: [ 1000 ] label_filename: "densenet_labels.txt" }
      dynamic_batching { preferred_batch_size: [ 4, 8 ] max_queue_delay_microseconds: 100 }
      instance_group < count: 2 kind: KIND_GPU >
      parameters { key: "x" value: { string_value: "a\\"b" } }
    `);
    expect(stringField(config, 'platform')).toBe('onnxruntime_onnx');
    expect(numberField(config, 'max_batch_size')).toBe(8);
    expect(messageField(config, 'dynamic_batching')).toEqual({ preferred_batch_size: [4, 8], max_queue_delay_microseconds: [100] });
    expect(config['input']).toEqual([{ name: ['data_0'], data_type: ['TYPE_FP32'], dims: [3, 224, 224] }]);
    expect(stringField(messageField(config, 'output'), 'label_filename')).toBe('densenet_labels.txt');
    expect(numberField(messageField(config, 'instance_group'), 'count')).toBe(2);
    expect(stringField(messageField(messageField(config, 'parameters'), 'value'), 'string_value')).toBe('a"b');
  });

  it('reports broken input', () => {
    expect(() => parsePbtxt('dynamic_batching { max_queue_delay_microseconds: 1')).toThrow(/missing "}"/);
    expect(() => parsePbtxt('name: "x')).toThrow(/unterminated string/);
  });

  it('turns Triton names into DNS labels', () => {
    expect(toModelName('densenet_onnx')).toBe('densenet-onnx');
    expect(toModelName('My__Model.v2')).toBe('my-model-v2');
  });
});
