import * as ort from 'onnxruntime-node';
import { InvalidArgumentError } from '@maas/errors';
import type { JobRequest, WireTensor } from '@maas/queue';
import type { RunTiming } from './inference-stats';
import { DATATYPE_INFO, datatypeFromOnnx, decodeRaw, formatShape, isBytesData, split, stack, TensorError, toRawTensor, type BatchAllocator, type Datatype, type Tensor } from '@maas/tensor';

/** A job's inputs decoded and checked against the model, ready to run alone or stacked with others. */
export interface PreparedJob {
  /** Inputs in the session's input order. */
  tensors: Tensor[];
  /** Rows along the batch dimension (1 for models without one). */
  rows: number;
  /** Jobs with equal keys can be stacked: same datatypes and same dims after the batch dim. */
  batchKey: string;
  /** Output names to return (all when the job asked for none). */
  outputs: string[];
}

function tensorMeta(session: ort.InferenceSession, name: string, which: 'input' | 'output'): ort.InferenceSession.ValueMetadata | undefined {
  const list = which === 'input' ? session.inputMetadata : session.outputMetadata;
  return list.find((m) => m.name === name);
}

/**
 * Decodes a job's raw inputs and checks them against the session: every model input present, no
 * unknown ones, datatype and rank as declared, fixed dims equal. Throws InvalidArgumentError naming
 * the tensor and what was expected (such a job is answered at once, never retried).
 */
export function prepareJob(job: JobRequest, session: ort.InferenceSession, batchDim: boolean): PreparedJob {
  const byName = new Map(job.inputs.map((t) => [t.name, t]));
  for (const name of byName.keys()) {
    if (!session.inputNames.includes(name)) throw new InvalidArgumentError(`unknown input '${name}': model ${job.model} v${job.version} takes ${session.inputNames.join(', ')}`);
  }
  const tensors = session.inputNames.map((name) => {
    const wire = byName.get(name);
    if (!wire) throw new InvalidArgumentError(`missing input '${name}' for model ${job.model} v${job.version}`);
    let tensor: Tensor;
    try {
      const data = decodeRaw(name, wire.datatype, wire.shape, wire.data); // validates datatype, shape and size
      tensor = { name, datatype: wire.datatype as Datatype, shape: [...wire.shape], data };
    } catch (err) {
      throw new InvalidArgumentError(err instanceof TensorError ? err.message : `input '${name}': ${(err as Error).message}`, { cause: err });
    }
    const meta = tensorMeta(session, name, 'input');
    if (meta?.isTensor) {
      if (DATATYPE_INFO[tensor.datatype].onnxType !== meta.type) {
        throw new InvalidArgumentError(`input '${name}': datatype ${tensor.datatype} does not match the model's ${datatypeFromOnnx(meta.type) ?? meta.type}`);
      }
      const fixed = meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1));
      const ok = fixed.length === tensor.shape.length && fixed.every((d, i) => d === -1 || d === tensor.shape[i]);
      if (!ok) throw new InvalidArgumentError(`input '${name}': shape ${formatShape(tensor.shape)} does not fit the model's ${formatShape(fixed)}`);
    }
    return tensor;
  });
  const rows = batchDim ? (tensors[0]?.shape[0] ?? 1) : 1;
  if (batchDim && tensors.some((t) => t.shape[0] !== rows)) throw new InvalidArgumentError('inputs disagree on the batch dimension (dim 0)');
  for (const name of job.outputs) {
    if (!session.outputNames.includes(name)) throw new InvalidArgumentError(`unknown output '${name}': model ${job.model} v${job.version} gives ${session.outputNames.join(', ')}`);
  }
  return {
    tensors,
    rows,
    batchKey: tensors.map((t) => `${t.name}:${t.datatype}:${t.shape.slice(1).join('x')}`).join('|'),
    outputs: job.outputs.length > 0 ? job.outputs : [...session.outputNames],
  };
}

/**
 * Splits jobs into runs: with a batch dim, jobs of equal batchKey share a run while their rows fit
 * maxBatchSize (arrival order kept); jobs whose shapes cannot be stacked run separately instead of
 * failing. Without a batch dim every job runs alone. Returns groups of indices into `jobs`.
 */
export function planBatches(jobs: ReadonlyArray<Pick<PreparedJob, 'rows' | 'batchKey'>>, maxBatchSize: number, batchable: boolean): number[][] {
  if (!batchable || maxBatchSize <= 1) return jobs.map((_, i) => [i]);
  const open = new Map<string, { indices: number[]; rows: number }>();
  const groups: number[][] = [];
  jobs.forEach((job, i) => {
    const current = open.get(job.batchKey);
    if (current && current.rows + job.rows <= maxBatchSize) {
      current.indices.push(i);
      current.rows += job.rows;
      return;
    }
    const next = { indices: [i], rows: job.rows };
    groups.push(next.indices);
    open.set(job.batchKey, next);
  });
  return groups;
}

/**
 * Batch input buffers of one session, reused from run to run. onnxruntime-node runs a session synchronously
 * (inside a setImmediate) and copies its outputs out, so a run's stacked inputs are free again once run()
 * settles. Each input keeps the largest buffer it was given back; a buffer is lent to one run at a time
 * (two runs of one session in flight get two buffers). Reuse saves a fresh, zero-filled allocation of the
 * whole batch per run: external memory that drives V8 to full collections at OCR sizes (110 KB per item).
 */
export class BatchBuffers {
  private readonly free = new Map<string, ArrayBuffer>();

  /** A buffer of at least `bytes` for input `name`: the free one when it is large enough, else a new one. */
  take(name: string, bytes: number): ArrayBuffer {
    const buffer = this.free.get(name);
    if (buffer && buffer.byteLength >= bytes) {
      this.free.delete(name);
      return buffer;
    }
    return new ArrayBuffer(bytes);
  }

  /** Returns a buffer after its run; the larger of it and the one held is kept. */
  giveBack(name: string, buffer: ArrayBuffer): void {
    const held = this.free.get(name);
    if (!held || held.byteLength < buffer.byteLength) this.free.set(name, buffer);
  }
}

const BATCH_BUFFERS = new WeakMap<ort.InferenceSession, BatchBuffers>();

function batchBuffersOf(session: ort.InferenceSession): BatchBuffers {
  let buffers = BATCH_BUFFERS.get(session);
  if (!buffers) {
    buffers = new BatchBuffers();
    BATCH_BUFFERS.set(session, buffers);
  }
  return buffers;
}

function toOrt(tensor: Tensor): ort.Tensor {
  const type = DATATYPE_INFO[tensor.datatype].onnxType;
  if (isBytesData(tensor.data)) {
    const strings = (tensor.data as Array<string | Buffer>).map((e) => (typeof e === 'string' ? e : e.toString('utf8')));
    return new ort.Tensor('string', strings, tensor.shape);
  }
  return new ort.Tensor(type as 'float32', tensor.data as Float32Array, tensor.shape);
}

function fromOrt(name: string, value: ort.Tensor): Tensor {
  const datatype = datatypeFromOnnx(value.type);
  if (!datatype) throw new InvalidArgumentError(`output '${name}' has type ${value.type}, which the protocol cannot carry`);
  return { name, datatype, shape: [...value.dims], data: value.data as Tensor['data'] };
}

/**
 * One session.run for a group of jobs: inputs stacked along dim 0 (a single job is passed as is), outputs
 * split back by each job's rows and filtered to what each job asked for. A run error propagates (the
 * caller decides whether to retry jobs one by one). `timing`, when given, receives the time of each phase.
 */
export async function runJobs(session: ort.InferenceSession, jobs: readonly PreparedJob[], timing?: RunTiming): Promise<WireTensor[][]> {
  const first = jobs[0];
  if (!first) return [];
  const t0 = process.hrtime.bigint();
  const feeds: Record<string, ort.Tensor> = {};
  const rowCounts = jobs.map((j) => j.rows);
  const buffers = batchBuffersOf(session);
  const lent: Array<[string, ArrayBuffer]> = [];
  // Only a stacked input borrows a buffer: a single job's tensors go to ORT as they are.
  const borrowFor = (name: string): BatchAllocator => (ctor, length) => {
    const buffer = buffers.take(name, length * ctor.BYTES_PER_ELEMENT);
    lent.push([name, buffer]);
    return new ctor(buffer, 0, length);
  };
  let results: ort.InferenceSession.OnnxValueMapType;
  let t1 = t0;
  try {
    first.tensors.forEach((t, i) => {
      feeds[t.name] = toOrt(jobs.length === 1 ? t : stack(jobs.map((j) => j.tensors[i]!), borrowFor(t.name)).tensor);
    });
    t1 = process.hrtime.bigint();
    results = await session.run(feeds);
  } finally {
    // session.run has returned: the stacked inputs are free (outputs are ORT's own copies).
    for (const [name, buffer] of lent) buffers.giveBack(name, buffer);
  }
  const t2 = process.hrtime.bigint();
  const perJob: WireTensor[][] = jobs.map(() => []);
  for (const name of session.outputNames) {
    const value = results[name];
    if (!value) continue;
    const tensor = fromOrt(name, value);
    const parts = jobs.length === 1 ? [tensor] : split(tensor, rowCounts);
    parts.forEach((part, j) => {
      if (jobs[j]!.outputs.includes(name)) perJob[j]!.push(toRawTensor(part));
    });
  }
  if (timing) {
    timing.inputNs = Number(t1 - t0);
    timing.inferNs = Number(t2 - t1);
    timing.outputNs = Number(process.hrtime.bigint() - t2);
  }
  return perJob;
}
