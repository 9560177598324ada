import { spawn } from 'node:child_process';
import { GHZ_TAIL_MS, ghzPayload, loadResultFromGhz, timestampMs } from './ghz-check';
import { RawInferClient } from './load-generator';
import { keyValues, servedName } from './peers';
import { tritonModelConfig } from './peer-triton';
import { processCpuMs } from './process-cpu';
import { withoutTemplateBraces, type BenchModel } from './models';

const model: BenchModel = {
  name: 'ocr-cls',
  description: '',
  file: '/m/ocr.onnx',
  inputs: [{ name: 'x', itemShape: [3, 48, 192], itemData: new Float32Array(3 * 48 * 192) }],
  outputs: [{ name: 'softmax_0.tmp_0', itemShape: [2] }],
};
const options = { maxBatchSize: 32, maxQueueDelayUs: 2000, intraOpThreads: 1, interOpThreads: 1, parallelWorkers: 1 };

describe('Triton model config', () => {
  it('declares the item shapes, the python backend, the threads and the venv as execution environment', () => {
    const text = tritonModelConfig(model, 'batched', options, '/tools/triton');
    expect(text).toContain('name: "ocr-cls-batched"');
    expect(text).toContain('backend: "python"');
    expect(text).toContain('max_batch_size: 32');
    expect(text).toContain('input [ { name: "x" data_type: TYPE_FP32 dims: [ 3, 48, 192 ] } ]');
    expect(text).toContain('output [ { name: "softmax_0.tmp_0" data_type: TYPE_FP32 dims: [ 2 ] } ]');
    expect(text).toContain('dynamic_batching { max_queue_delay_microseconds: 2000 }');
    expect(text).toContain('parameters: { key: "model_file" value: { string_value: "/m/ocr.onnx" } }');
    expect(text).toContain('parameters: { key: "intra_op_threads" value: { string_value: "1" } }');
    expect(text).toContain('parameters: { key: "EXECUTION_ENV_PATH" value: { string_value: "/tools/triton" } }');
  });

  it('runs the unbatched variant request by request (no dynamic batching)', () => {
    const text = tritonModelConfig(model, 'unbatched', options, '/v');
    expect(text).toContain('name: "ocr-cls-unbatched"');
    expect(text).not.toContain('dynamic_batching');
  });
});

describe('install script output', () => {
  it('reads key=value lines and names a missing key', () => {
    expect(keyValues('venv=/a\nnoise\ntritonserver=/b=c\n', ['venv', 'tritonserver'])).toEqual({ venv: '/a', tritonserver: '/b=c' });
    expect(() => keyValues('venv=/a', ['venv', 'backends'])).toThrow(/no backends= line/);
  });

  it('serves every model variant under one name on every server', () => {
    expect(servedName(model, 'unbatched')).toBe('ocr-cls-unbatched');
  });
});

describe('ghz', () => {
  it('reads RFC 3339 timestamps with nanoseconds', () => {
    expect(timestampMs('2026-12-01T19:16:32.334538296Z') - Date.parse('2026-12-01T19:16:32Z')).toBeCloseTo(334.538, 3); // epoch ms in a double: about 0.2 µs of resolution
    expect(timestampMs('2026-12-01T19:16:32Z')).toBe(Date.parse('2026-12-01T19:16:32Z'));
    expect(() => timestampMs('yesterday')).toThrow(/RFC 3339/);
  });

  it('measures a run from its per-call details as the bench does: warm-up and calls after the window left out', () => {
    const at = (ms: number): string => new Date(Date.parse('2026-12-01T00:00:00Z') + ms).toISOString().replace('Z', '000Z');
    const call = (startMs: number, latencyMs: number, status = 'OK', error = `rpc error: ${status}`) => ({ timestamp: at(startMs), latency: latencyMs * 1e6, status, ...(status === 'OK' ? {} : { error }) });
    const details = [
      call(0, 1), // warm-up: no latency sample, not in the window
      call(100, 2), // measured
      call(300, 4), // measured
      call(500, 1, 'Internal'), // a real error inside the window
      call(1090, 20, 'Unavailable', 'rpc error: code = Unavailable desc = transport is closing'), // ends after the window
      call(1400, 1, 'Unavailable', 'rpc error: code = Unavailable desc = transport is closing'), // cut off when ghz stopped
      call(1095, 10), // started in the window, answered after it: a latency sample, not throughput
    ];
    const r = loadResultFromGhz({ count: 6, rps: 0, average: 0, latencyDistribution: null, errorDistribution: null, statusCodeDistribution: null, details }, { concurrency: 2, warmupMs: 100, durationMs: 1000, timeoutMs: 1000 });
    expect(r.requests).toBe(3);
    expect(r.latencyMs.p50).toBeCloseTo(4);
    expect(r.throughputPerSecond).toBe(2);
    expect(r.errors).toBe(1);
    expect(r.errorKinds).toEqual({ Internal: { count: 1, message: 'rpc error: Internal' } });
    expect(r.callsIncludingWarmup).toBe(4);
    expect(GHZ_TAIL_MS).toBeGreaterThanOrEqual(1000);
  });

  it('reads a report of 300k calls (a spread of that many overflowed the stack)', () => {
    const t0 = Date.parse('2026-12-01T00:00:00Z');
    const details = Array.from({ length: 300_000 }, (_, i) => ({ timestamp: new Date(t0 + i / 100).toISOString(), latency: 1e6, status: 'OK' }));
    const r = loadResultFromGhz({ count: details.length, rps: 0, average: 0, latencyDistribution: null, errorDistribution: null, statusCodeDistribution: null, details }, { concurrency: 128, warmupMs: 500, durationMs: 2000, timeoutMs: 1000 });
    expect(r.requests).toBe(250_000);
    expect(r.callsIncludingWarmup).toBe(300_000);
  });

  it('refuses a run without a successful call after the warm-up', () => {
    const details = [{ timestamp: '2026-12-01T00:00:00.5Z', latency: 1e6, status: 'Unavailable' }];
    expect(() => loadResultFromGhz({ count: 1, rps: 0, average: 0, latencyDistribution: null, errorDistribution: null, statusCodeDistribution: { Unavailable: 1 }, details }, { concurrency: 1, warmupMs: 0, durationMs: 1000, timeoutMs: 1000 })).toThrow(/Unavailable ×1/);
  });

  it('refuses a payload that Go templates would rewrite', () => {
    const ok = new RawInferClient({ address: '127.0.0.1:1', model: 'm', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], bytes: Buffer.from([1, 2, 3, 4]) }] });
    expect(ghzPayload(ok).length).toBeGreaterThan(0);
    const bad = new RawInferClient({ address: '127.0.0.1:1', model: 'm', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 1], bytes: Buffer.from('{{ab') }] });
    expect(() => ghzPayload(bad)).toThrow(/Go template/);
  });
});

describe('process CPU', () => {
  it('splits a process tree into the process itself and its children', async () => {
    // A child that spins for 10 s under a shell that only waits for it.
    const child = spawn('sh', ['-c', `${process.execPath} -e "const t=Date.now(); while (Date.now()-t<10000);" & wait`], { stdio: 'ignore', detached: true });
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const pid = child.pid!;
      const self = processCpuMs(pid, 'self');
      const children = processCpuMs(pid, 'children');
      // Read last, while the child still spins: at least the sum of the two, and not much more.
      const tree = processCpuMs(pid, 'tree');
      expect(tree).toBeGreaterThanOrEqual(self + children);
      expect(tree).toBeLessThan(self + children + 200);
      expect(children).toBeGreaterThan(0);
      expect(children).toBeGreaterThanOrEqual(self);
      expect(processCpuMs(-1)).toBe(0);
    } finally {
      process.kill(-child.pid!, 'SIGKILL'); // the shell's process group: the shell and the spinning child
    }
  });
});

describe('request data for ghz', () => {
  it('holds no "{{" after withoutTemplateBraces, changing only those bytes', () => {
    const data = new Float32Array(4);
    const bytes = new Uint8Array(data.buffer);
    bytes.set([0x7b, 0x7b, 0x7b, 0x3f, 1, 2, 0x7b, 0x7b], 0);
    const before = Uint8Array.from(bytes);
    expect(withoutTemplateBraces(data)).toBe(2);
    expect(Buffer.from(bytes).includes('{{')).toBe(false);
    expect([...bytes].filter((b, i) => b !== before[i])).toEqual([0x7a, 0x7a]);
    expect(Buffer.from(bytes.buffer).includes('{{')).toBe(false);
  });
});
