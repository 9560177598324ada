import type { JobRequest, JobResult, WireTensor } from './types';

/**
 * Stream entry layout. A job is three fields: `h` a small JSON header, `d` every tensor's bytes
 * concatenated (binary, never JSON), `a` the attempt count (a field of its own so Lua can bump it
 * without parsing JSON). A reply is `h` + `d` the same way.
 */
export const FIELD_HEADER = 'h';
/** Binary data field name. */
export const FIELD_DATA = 'd';
/** Attempts field name (deliveries before this entry). */
export const FIELD_ATTEMPTS = 'a';

/** A tensor's header inside a JSON header; its bytes are `byteLength` bytes of the data field, in order. */
interface TensorMeta {
  name: string;
  datatype: string;
  shape: number[];
  byteLength: number;
}

interface JobHeader {
  id: string;
  model: string;
  version: number;
  inputs: TensorMeta[];
  outputs: string[];
  parameters: Record<string, string | number | boolean>;
  deadlineUnixMs: number;
  priority: number;
  replyTo: string;
  enqueuedUnixMs: number;
  traceparent?: string;
}

type ResultHeader = Omit<Extract<JobResult, { ok: true }>, 'outputs'> & { outputs: TensorMeta[] };
type ErrorHeader = Extract<JobResult, { ok: false }>;

/** A job decoded from a stream entry. */
export interface DecodedJob {
  job: JobRequest;
  replyTo: string;
  enqueuedUnixMs: number;
  attempts: number;
}

/** Raised for an entry that is not a well-formed job or reply. */
export class MalformedEntryError extends Error {}

function packTensors(tensors: readonly WireTensor[]): { meta: TensorMeta[]; data: Buffer } {
  const meta = tensors.map((t) => ({ name: t.name, datatype: t.datatype, shape: t.shape, byteLength: t.data.byteLength }));
  return { meta, data: tensors.length === 1 ? tensors[0]!.data : Buffer.concat(tensors.map((t) => t.data)) };
}

function unpackTensors(meta: readonly TensorMeta[], data: Buffer): WireTensor[] {
  let offset = 0;
  const out = meta.map((m) => {
    const end = offset + m.byteLength;
    if (end > data.byteLength) throw new MalformedEntryError(`tensor ${m.name} overruns the data field`);
    const t = { name: m.name, datatype: m.datatype, shape: m.shape, data: data.subarray(offset, end) };
    offset = end;
    return t;
  });
  if (offset !== data.byteLength) throw new MalformedEntryError(`data field has ${data.byteLength - offset} bytes no tensor claims`);
  return out;
}

/** Field → value of a flat [k, v, k, v ...] reply from Redis. */
export function fieldMap(fields: readonly Buffer[]): Map<string, Buffer> {
  const map = new Map<string, Buffer>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!.toString('latin1'), fields[i + 1]!);
  return map;
}

/** The header (JSON) and data (binary) field values of a job. */
export function encodeJob(job: JobRequest, replyTo: string, enqueuedUnixMs: number): { header: string; data: Buffer } {
  const { meta, data } = packTensors(job.inputs);
  const header: JobHeader = {
    id: job.id,
    model: job.model,
    version: job.version,
    inputs: meta,
    outputs: job.outputs,
    parameters: job.parameters,
    deadlineUnixMs: job.deadlineUnixMs,
    priority: job.priority,
    replyTo,
    enqueuedUnixMs,
    ...(job.traceparent ? { traceparent: job.traceparent } : {}),
  };
  return { header: JSON.stringify(header), data };
}

/** Decodes a job entry's fields; throws MalformedEntryError when they are not a job. */
export function decodeJob(fields: readonly Buffer[]): DecodedJob {
  const map = fieldMap(fields);
  const rawHeader = map.get(FIELD_HEADER);
  const data = map.get(FIELD_DATA) ?? Buffer.alloc(0);
  if (!rawHeader) throw new MalformedEntryError('job entry without a header field');
  let header: JobHeader;
  try {
    header = JSON.parse(rawHeader.toString('utf8')) as JobHeader;
  } catch (err) {
    throw new MalformedEntryError(`job header is not JSON: ${(err as Error).message}`);
  }
  if (typeof header.id !== 'string' || typeof header.replyTo !== 'string' || !Array.isArray(header.inputs)) {
    throw new MalformedEntryError('job header lacks id, replyTo or inputs');
  }
  const job: JobRequest = {
    id: header.id,
    model: header.model,
    version: header.version,
    inputs: unpackTensors(header.inputs, data),
    outputs: header.outputs ?? [],
    parameters: header.parameters ?? {},
    deadlineUnixMs: header.deadlineUnixMs ?? 0,
    priority: header.priority ?? 0,
    ...(typeof header.traceparent === 'string' ? { traceparent: header.traceparent } : {}),
  };
  const attempts = Number(map.get(FIELD_ATTEMPTS)?.toString('latin1') ?? '0');
  return { job, replyTo: header.replyTo, enqueuedUnixMs: header.enqueuedUnixMs ?? 0, attempts: Number.isFinite(attempts) ? attempts : 0 };
}

/** Best-effort job id and reply stream of an entry that failed to decode (to answer its caller anyway). */
export function peekJobHeader(fields: readonly Buffer[]): { id: string; replyTo: string } | undefined {
  try {
    const header = JSON.parse(fieldMap(fields).get(FIELD_HEADER)?.toString('utf8') ?? '') as Partial<JobHeader>;
    return typeof header.id === 'string' && typeof header.replyTo === 'string' ? { id: header.id, replyTo: header.replyTo } : undefined;
  } catch {
    return undefined;
  }
}

/** The header and data field values of a reply. */
export function encodeResult(result: JobResult): { header: string; data: Buffer } {
  if (!result.ok) return { header: JSON.stringify(result satisfies ErrorHeader), data: Buffer.alloc(0) };
  const { meta, data } = packTensors(result.outputs);
  const header: ResultHeader = { ...result, outputs: meta };
  return { header: JSON.stringify(header), data };
}

/** Decodes a reply entry's fields. */
export function decodeResult(fields: readonly Buffer[]): JobResult {
  const map = fieldMap(fields);
  const rawHeader = map.get(FIELD_HEADER);
  if (!rawHeader) throw new MalformedEntryError('reply entry without a header field');
  const header = JSON.parse(rawHeader.toString('utf8')) as ResultHeader | ErrorHeader;
  if (typeof header.jobId !== 'string') throw new MalformedEntryError('reply header lacks jobId');
  if (!header.ok) return header;
  return { ...header, outputs: unpackTensors(header.outputs, map.get(FIELD_DATA) ?? Buffer.alloc(0)) };
}
