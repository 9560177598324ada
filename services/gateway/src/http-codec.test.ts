import { InternalError, InvalidArgumentError } from '@maas/errors';
import { decodeInferInputs, encodeBytesElements } from '@maas/tensor';
import {
  encodeInferResponse,
  flattenData,
  HttpCodecError,
  INFERENCE_HEADER_CONTENT_LENGTH,
  parseInferRequest,
  parseParameters,
  wantsBinaryOutput,
} from './http-codec';
import type { InferRequest } from './infer';

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

function parse(body: unknown, extra: { header?: string | number; binary?: Buffer } = {}): InferRequest {
  const head = json(body);
  return parseInferRequest({
    modelName: 'm',
    modelVersion: '1',
    body: extra.binary ? Buffer.concat([head, extra.binary]) : head,
    inferenceHeaderContentLength: extra.header ?? (extra.binary ? head.byteLength : undefined),
  });
}

/** JSON of odd byte length (a trailing space when needed), so the binary sections after it start misaligned. */
function oddLengthJson(value: unknown): Buffer {
  const head = json(value);
  return head.byteLength % 2 === 1 ? head : Buffer.concat([head, Buffer.from(' ')]);
}

function codecError(fn: () => unknown): HttpCodecError {
  try {
    fn();
  } catch (e) {
    if (e instanceof HttpCodecError) return e;
    throw e;
  }
  throw new Error('expected an HttpCodecError');
}

describe('parseInferRequest: JSON', () => {
  it('parses id, parameters, inputs (flat and nested data) and outputs into the ModelInferRequest shape', () => {
    const req = parse({
      id: 'r1',
      parameters: { priority: 2, tag: 'a', fast: true, temperature: 0.5 },
      inputs: [
        { name: 'x', shape: [2, 2], datatype: 'FP32', data: [[1, 2], [3, 4]] },
        { name: 'ids', shape: [3], datatype: 'INT64', data: [1, -2, 3], parameters: { note: 'n' } },
        { name: 'text', shape: [1, 2], datatype: 'BYTES', data: ['hé', ''] },
        { name: 'mask', shape: [2], datatype: 'BOOL', data: [true, false] },
      ],
      outputs: [{ name: 'y', parameters: { binary_data: true } }],
    });
    expect(req).toMatchObject({
      model_name: 'm',
      model_version: '1',
      id: 'r1',
      parameters: {
        priority: { int64_param: 2 },
        tag: { string_param: 'a' },
        fast: { bool_param: true },
        temperature: { double_param: 0.5 },
      },
      inputs: [
        { name: 'x', datatype: 'FP32', shape: [2, 2], parameters: {} },
        { name: 'ids', datatype: 'INT64', shape: [3], parameters: { note: { string_param: 'n' } } },
        { name: 'text', datatype: 'BYTES', shape: [1, 2] },
        { name: 'mask', datatype: 'BOOL', shape: [2] },
      ],
      outputs: [{ name: 'y', parameters: { binary_data: { bool_param: true } } }],
    });
    expect(req.raw_input_contents).toHaveLength(4);
    const tensors = decodeInferInputs(req.inputs, req.raw_input_contents);
    expect(Array.from(tensors[0]?.data as Float32Array)).toEqual([1, 2, 3, 4]);
    expect(Array.from(tensors[1]?.data as BigInt64Array)).toEqual([1n, -2n, 3n]);
    expect((tensors[2]?.data as Buffer[]).map(String)).toEqual(['hé', '']);
    expect(Array.from(tensors[3]?.data as Uint8Array)).toEqual([1, 0]);
  });

  it('defaults id, parameters, outputs and version', () => {
    const req = parseInferRequest({ modelName: 'm', body: json({ inputs: [{ name: 'x', shape: [1], datatype: 'INT32', data: [5] }] }) });
    expect(req).toMatchObject({ model_version: '', id: '', parameters: {}, outputs: [] });
  });

  it('rejects malformed JSON and non-object bodies', () => {
    const bad = codecError(() => parseInferRequest({ modelName: 'm', body: Buffer.from('{"inputs": [') }));
    expect(bad.path).toBe('body');
    expect(bad.got).toMatch(/^malformed JSON/);
    expect(bad).toBeInstanceOf(InvalidArgumentError);
    expect(codecError(() => parse([1])).expected).toBe('a JSON object');
  });

  it('names the field path and what was expected for wrong types', () => {
    expect(codecError(() => parse({ inputs: [] })).path).toBe('inputs');
    expect(codecError(() => parse({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }], id: 5 })).path).toBe('id');
    const name = codecError(() => parse({ inputs: [{ name: 3, shape: [1], datatype: 'FP32', data: [1] }] }));
    expect([name.path, name.expected, name.got]).toEqual(['inputs[0].name', 'a non-empty string', 'number 3']);
    expect(codecError(() => parse({ inputs: [{ name: 'x', shape: '1', datatype: 'FP32', data: [1] }] })).path).toBe('inputs[0].shape');
    expect(codecError(() => parse({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: 1 }] })).path).toBe('inputs[0].data');
    const param = codecError(() => parse({ parameters: { a: null }, inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] }));
    expect(param.path).toBe('parameters.a');
    expect(codecError(() => parse({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }], outputs: [{ name: 'y', parameters: { binary_data: 1 } }] })).path).toBe(
      'outputs[0].parameters.binary_data',
    );
  });

  it('rejects unknown datatypes and negative dims with the tensor named', () => {
    const dt = codecError(() => parse({ inputs: [{ name: 'x', shape: [1], datatype: 'FLOAT32', data: [1] }] }));
    expect(dt.path).toBe('inputs[0]');
    expect(dt.message).toContain("tensor 'x': unknown datatype");
    expect(dt.got).toBe('"FLOAT32"');
    const neg = codecError(() => parse({ inputs: [{ name: 'x', shape: [-1, 2], datatype: 'FP32', data: [1, 2] }] }));
    expect(neg.message).toContain('bad shape dimension 0');
  });

  it('rejects data whose length or nesting does not match the shape', () => {
    const flat = codecError(() => parse({ inputs: [{ name: 'x', shape: [2, 3], datatype: 'FP32', data: [1, 2, 3, 4, 5] }] }));
    expect([flat.path, flat.expected, flat.got]).toEqual(['inputs[0].data', '6 elements for shape [2,3]', '5 elements']);
    const nested = codecError(() => parse({ inputs: [{ name: 'x', shape: [2, 3], datatype: 'FP32', data: [[1, 2, 3], [4, 5]] }] }));
    expect([nested.path, nested.expected]).toEqual(['inputs[0].data[1]', 'an array of 3 (dim 1 of shape [2,3])']);
    const deep = codecError(() => parse({ inputs: [{ name: 'x', shape: [1, 1], datatype: 'FP32', data: [[[1]]] }] }));
    expect(deep.path).toBe('inputs[0].data[0][0]');
  });

  it('rejects values of the wrong type or out of range, naming the tensor and element', () => {
    const err = codecError(() => parse({ inputs: [{ name: 'x', shape: [2], datatype: 'UINT8', data: [1, 256] }] }));
    expect(err.path).toBe('inputs[0].data');
    expect(err.message).toContain("tensor 'x': bad UINT8 element at index 1");
    expect(err.expected).toBe('an integer in [0, 255]');
    expect(codecError(() => parse({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: ['1'] }] })).expected).toBe('a number');
  });
});

describe('parseInferRequest: binary tensor data extension', () => {
  it('takes inputs with binary_data_size from the bytes after the JSON header, in input order', () => {
    const a = Buffer.from(new Float32Array([1, 2, 3]).buffer);
    const b = encodeBytesElements(['cat', 'dog']);
    const req = parse(
      {
        inputs: [
          { name: 'a', shape: [3], datatype: 'FP32', parameters: { binary_data_size: a.byteLength } },
          { name: 'j', shape: [1], datatype: 'INT32', data: [7] },
          { name: 'b', shape: [2], datatype: 'BYTES', parameters: { binary_data_size: b.byteLength } },
        ],
      },
      { binary: Buffer.concat([a, b]) },
    );
    expect(req.inputs.map((i) => i.parameters)).toEqual([{}, {}, {}]);
    const tensors = decodeInferInputs(req.inputs, req.raw_input_contents);
    expect(Array.from(tensors[0]?.data as Float32Array)).toEqual([1, 2, 3]);
    expect(Array.from(tensors[1]?.data as Int32Array)).toEqual([7]);
    expect((tensors[2]?.data as Buffer[]).map(String)).toEqual(['cat', 'dog']);
  });

  it('checks binary sizes against shape × datatype and against the bytes present', () => {
    const size = codecError(() =>
      parse({ inputs: [{ name: 'a', shape: [3], datatype: 'FP32', parameters: { binary_data_size: 8 } }] }, { binary: Buffer.alloc(8) }),
    );
    expect(size.path).toBe('inputs[0]');
    expect(size.expected).toContain('12 bytes');
    expect(size.got).toBe('8 bytes');
    const short = codecError(() =>
      parse({ inputs: [{ name: 'a', shape: [3], datatype: 'FP32', parameters: { binary_data_size: 12 } }] }, { binary: Buffer.alloc(4) }),
    );
    expect(short.path).toBe('inputs[0].parameters.binary_data_size');
    const extra = codecError(() =>
      parse({ inputs: [{ name: 'a', shape: [1], datatype: 'FP32', parameters: { binary_data_size: 4 } }] }, { binary: Buffer.alloc(6) }),
    );
    expect([extra.path, extra.got]).toEqual(['body', '6 bytes']);
  });

  it('forwards each binary section as a view of the body, not a copy, even at an odd offset', () => {
    const a = Buffer.from(new Float64Array([0.5, -1]).buffer);
    const b = encodeBytesElements(['x', 'yz']);
    const head = oddLengthJson({
      inputs: [
        { name: 'a', shape: [2], datatype: 'FP64', parameters: { binary_data_size: a.byteLength } },
        { name: 'b', shape: [2], datatype: 'BYTES', parameters: { binary_data_size: b.byteLength } },
      ],
    });
    const body = Buffer.concat([head, a, b]);
    expect((body.byteOffset + head.byteLength) % 8).not.toBe(0); // a Float64Array could not view the section in place
    const req = parseInferRequest({ modelName: 'm', body, inferenceHeaderContentLength: head.byteLength });
    const [ra, rb] = req.raw_input_contents;
    expect(ra!.buffer).toBe(body.buffer);
    expect(ra!.byteOffset).toBe(body.byteOffset + head.byteLength);
    expect(rb!.buffer).toBe(body.buffer);
    expect(rb!.byteOffset).toBe(body.byteOffset + head.byteLength + a.byteLength);
    body.writeUInt8(0xab, head.byteLength); // a view sees a change to the body; a copy would not
    expect(ra![0]).toBe(0xab);
    expect(Buffer.compare(rb!, b)).toBe(0);
  });

  it('refuses bad binary sections at odd offsets with the same errors (size, BYTES framing and count)', () => {
    const atOddOffset = (input: Record<string, unknown>, binary: Buffer): HttpCodecError => {
      const head = oddLengthJson({ inputs: [input] });
      return codecError(() => parseInferRequest({ modelName: 'm', body: Buffer.concat([head, binary]), inferenceHeaderContentLength: head.byteLength }));
    };
    const size = atOddOffset({ name: 'a', shape: [3], datatype: 'FP32', parameters: { binary_data_size: 8 } }, Buffer.alloc(8));
    expect([size.path, size.got]).toEqual(['inputs[0]', '8 bytes']);
    expect(size.message).toBe("invalid inference request at inputs[0]: tensor 'a': raw data size does not match shape and datatype: expected 12 bytes (shape [3] = 3 elements × 4 bytes FP32), got 8 bytes");
    const framing = atOddOffset({ name: 't', shape: [1], datatype: 'BYTES', parameters: { binary_data_size: 5 } }, Buffer.from([9, 0, 0, 0, 1]));
    expect(framing.message).toBe("invalid inference request at inputs[0]: tensor 't': BYTES element 0 overruns the data: expected at most 1 bytes left, got length prefix 9 at offset 0");
    const count = atOddOffset({ name: 't', shape: [2], datatype: 'BYTES', parameters: { binary_data_size: 6 } }, Buffer.from([2, 0, 0, 0, 0x68, 0x69]));
    expect(count.message).toBe("invalid inference request at inputs[0]: tensor 't': BYTES element count does not match shape: expected 2 length-prefixed elements, got 1 elements in 6 bytes");
  });

  it('requires the header for binary inputs and a sane header value', () => {
    const noHeader = codecError(() => parse({ inputs: [{ name: 'a', shape: [1], datatype: 'FP32', parameters: { binary_data_size: 4 } }] }));
    expect(noHeader.expected).toContain(INFERENCE_HEADER_CONTENT_LENGTH);
    expect(codecError(() => parse({ inputs: [] }, { header: 'abc' })).path).toBe(`header ${INFERENCE_HEADER_CONTENT_LENGTH}`);
    expect(codecError(() => parse({ inputs: [] }, { header: 1e9 })).path).toBe(`header ${INFERENCE_HEADER_CONTENT_LENGTH}`);
    const both = codecError(() =>
      parse({ inputs: [{ name: 'a', shape: [1], datatype: 'FP32', data: [1], parameters: { binary_data_size: 4 } }] }, { binary: Buffer.alloc(4) }),
    );
    expect(both.path).toBe('inputs[0].data');
  });
});

describe('encodeInferResponse', () => {
  const output = { name: 'y', datatype: 'FP32', shape: [2], parameters: {} };
  const raw = Buffer.from(new Float32Array([0.25, 0.75]).buffer);

  it('writes JSON with flat data, id, version and parameters', () => {
    const res = encodeInferResponse(
      { model_name: 'm', model_version: '3', id: 'r1', parameters: { seq: { int64_param: 4 } }, outputs: [output], raw_output_contents: [raw] },
      { parameters: {}, outputs: [] },
    );
    expect(res.headers).toEqual({ 'content-type': 'application/json' });
    expect(JSON.parse(res.body.toString())).toEqual({
      model_name: 'm',
      model_version: '3',
      id: 'r1',
      parameters: { seq: 4 },
      outputs: [{ name: 'y', datatype: 'FP32', shape: [2], data: [0.25, 0.75] }],
    });
  });

  it('encodes typed contents, BYTES as strings, BOOL as booleans', () => {
    const res = encodeInferResponse(
      {
        model_name: 'm',
        outputs: [
          { name: 'label', datatype: 'BYTES', shape: [1], contents: { bytes_contents: [Buffer.from('cat')] } },
          { name: 'ok', datatype: 'BOOL', shape: [1], contents: { bool_contents: [true] } },
        ],
      },
      { parameters: {}, outputs: [] },
    );
    const body = JSON.parse(res.body.toString()) as { outputs: Array<{ data: unknown[] }> };
    expect(body.outputs.map((o) => o.data)).toEqual([['cat'], [true]]);
  });

  it('returns binary outputs after the JSON header when an output asks for binary_data', () => {
    const res = encodeInferResponse(
      {
        model_name: 'm',
        outputs: [output, { name: 'z', datatype: 'INT32', shape: [1], parameters: {} }],
        raw_output_contents: [raw, Buffer.from(new Int32Array([9]).buffer)],
      },
      { parameters: {}, outputs: [{ name: 'y', parameters: { binary_data: { bool_param: true } } }, { name: 'z', parameters: {} }] },
    );
    const headerBytes = Number(res.headers[INFERENCE_HEADER_CONTENT_LENGTH]);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    const header = JSON.parse(res.body.subarray(0, headerBytes).toString()) as { outputs: unknown[] };
    expect(header.outputs).toEqual([
      { name: 'y', datatype: 'FP32', shape: [2], parameters: { binary_data_size: 8 } },
      { name: 'z', datatype: 'INT32', shape: [1], data: [9] },
    ]);
    expect(res.body.subarray(headerBytes).equals(raw)).toBe(true);
  });

  it('honours binary_data_output for all outputs unless an output opts out, framing BYTES', () => {
    const request = {
      parameters: { binary_data_output: { bool_param: true } },
      outputs: [{ name: 'b', parameters: { binary_data: { bool_param: false } } }],
    };
    expect(wantsBinaryOutput(request, 'a')).toBe(true);
    expect(wantsBinaryOutput(request, 'b')).toBe(false);
    const res = encodeInferResponse(
      {
        model_name: 'm',
        outputs: [
          { name: 'a', datatype: 'BYTES', shape: [2], contents: { bytes_contents: [Buffer.from('x'), Buffer.from('yz')] } },
          { name: 'b', datatype: 'INT32', shape: [1], contents: { int_contents: [1] } },
        ],
      },
      request,
    );
    const headerBytes = Number(res.headers[INFERENCE_HEADER_CONTENT_LENGTH]);
    expect([...res.body.subarray(headerBytes)]).toEqual([1, 0, 0, 0, 0x78, 2, 0, 0, 0, 0x79, 0x7a]);
  });

  it('round-trips: a binary request parsed and answered in binary keeps the bytes', () => {
    const a = Buffer.from(new Float32Array([5, 6]).buffer);
    const req = parse(
      {
        parameters: { binary_data_output: true },
        inputs: [{ name: 'a', shape: [2], datatype: 'FP32', parameters: { binary_data_size: 8 } }],
      },
      { binary: a },
    );
    const res = encodeInferResponse(
      { model_name: 'm', outputs: [{ name: 'a', datatype: 'FP32', shape: [2] }], raw_output_contents: req.raw_input_contents },
      req,
    );
    expect(res.body.subarray(Number(res.headers[INFERENCE_HEADER_CONTENT_LENGTH])).equals(a)).toBe(true);
  });

  it('reports a malformed model output as an internal error', () => {
    expect(() =>
      encodeInferResponse({ model_name: 'm', outputs: [output], raw_output_contents: [Buffer.alloc(3)] }, { parameters: {}, outputs: [] }),
    ).toThrow(InternalError);
  });

  it('sends raw outputs asked for as binary as the bytes they are (no decode and re-encode), checked the same way', () => {
    const message = Buffer.alloc(3 + 8 + 11);
    raw.copy(message, 3); // FP32 at an odd offset
    const text = encodeBytesElements(['x', 'yz']);
    text.copy(message, 11);
    const asBinary = { parameters: { binary_data_output: { bool_param: true } }, outputs: [] };
    const res = encodeInferResponse(
      {
        model_name: 'm',
        outputs: [output, { name: 't', datatype: 'BYTES', shape: [2] }],
        raw_output_contents: [message.subarray(3, 11), message.subarray(11)],
      },
      asBinary,
    );
    const headerBytes = Number(res.headers[INFERENCE_HEADER_CONTENT_LENGTH]);
    expect((JSON.parse(res.body.subarray(0, headerBytes).toString()) as { outputs: unknown[] }).outputs).toEqual([
      { name: 'y', datatype: 'FP32', shape: [2], parameters: { binary_data_size: 8 } },
      { name: 't', datatype: 'BYTES', shape: [2], parameters: { binary_data_size: 11 } },
    ]);
    expect(res.body.subarray(headerBytes).equals(Buffer.concat([raw, text]))).toBe(true);
    const malformed = (bytes: Buffer, datatype = 'FP32', shape = [2]): unknown => {
      try {
        encodeInferResponse({ model_name: 'm', outputs: [{ name: 'y', datatype, shape }], raw_output_contents: [bytes] }, asBinary);
      } catch (e) {
        return e;
      }
      throw new Error('expected an error');
    };
    const short = malformed(Buffer.alloc(3));
    expect(short).toBeInstanceOf(InternalError);
    expect((short as Error).message).toBe("model output 'y' is malformed: tensor 'y': raw data size does not match shape and datatype: expected 8 bytes (shape [2] = 2 elements × 4 bytes FP32), got 3 bytes");
    expect((malformed(Buffer.from([9, 0, 0, 0]), 'BYTES', [1]) as Error).message).toMatch(/^model output 'y' is malformed: .*BYTES element 0 overruns the data/);
    expect((malformed(Buffer.alloc(8), 'FP99') as Error).message).toMatch(/^model output 'y' is malformed: .*FP99/);
    // typed contents and raw bytes both: still refused, as before
    expect(() =>
      encodeInferResponse({ model_name: 'm', outputs: [{ ...output, contents: { fp32_contents: [1, 2] } }], raw_output_contents: [raw] }, asBinary),
    ).toThrow(/malformed.*both/);
  });
});

describe('helpers', () => {
  it('parseParameters maps JSON values to InferParameter fields', () => {
    expect(parseParameters({ a: 1, b: 1.5, c: 'x', d: false }, 'p')).toEqual({
      a: { int64_param: 1 },
      b: { double_param: 1.5 },
      c: { string_param: 'x' },
      d: { bool_param: false },
    });
    expect(codecError(() => parseParameters([1], 'p')).path).toBe('p');
  });

  it('flattenData accepts flat and nested data and scalars with shape []', () => {
    expect(flattenData([[1], [2]], [2, 1], 'd')).toEqual([1, 2]);
    expect(flattenData([1, 2], [2, 1], 'd')).toEqual([1, 2]);
    expect(flattenData([7], [], 'd')).toEqual([7]);
  });
});
