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
/**
 * A batch reply entry carries several jobs' results for one gateway: `b` a JSON array of result headers,
 * `d` their bytes concatenated in the same order. Workers write one only for jobs whose header says their
 * gateway reads it (`batchReplies`), so a gateway of an older release never receives one.
 */
export const FIELD_BATCH_HEADER = 'b';

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
  /** The gateway reads batch reply entries (FIELD_BATCH_HEADER). */
  batchReplies?: boolean;
}

type ResultHeader = Omit<Extract<JobResult, { ok: true }>, 'outputs'> & { outputs: TensorMeta[] };
type ErrorHeader = Extract<JobResult, { ok: false }>;

/** A job decoded from a stream entry. */
export interface DecodedJob {
  job: JobRequest;
  replyTo: string;
  enqueuedUnixMs: number;
  attempts: number;
  /** The job's gateway reads batch reply entries. */
  batchReplies: boolean;
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
export function encodeJob(job: JobRequest, replyTo: string, enqueuedUnixMs: number, batchReplies = false): { header: string; data: Buffer } {
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
    ...(batchReplies ? { batchReplies: true } : {}),
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
  return {
    job,
    replyTo: header.replyTo,
    enqueuedUnixMs: header.enqueuedUnixMs ?? 0,
    attempts: Number.isFinite(attempts) ? attempts : 0,
    batchReplies: header.batchReplies === true,
  };
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

const NO_DATA = Buffer.alloc(0);

function resultHeader(result: JobResult): { header: ResultHeader | ErrorHeader; data: Buffer } {
  if (!result.ok) return { header: result, data: NO_DATA };
  const { meta, data } = packTensors(result.outputs);
  return { header: { ...result, outputs: meta }, data };
}

/** The header and data field values of a reply. */
export function encodeResult(result: JobResult): { header: string; data: Buffer } {
  const { header, data } = resultHeader(result);
  return { header: JSON.stringify(header), data };
}

/** The batch header (FIELD_BATCH_HEADER) and data field values of one reply entry carrying several results. */
export function encodeResults(results: readonly JobResult[]): { header: string; data: Buffer } {
  const parts = results.map(resultHeader);
  const datas = parts.map((p) => p.data).filter((d) => d.byteLength > 0);
  return { header: JSON.stringify(parts.map((p) => p.header)), data: datas.length === 1 ? datas[0]! : Buffer.concat(datas) };
}

/** One result of a parsed header; its tensors are taken from `data` at `offset` (returns the offset after them). */
function resultFrom(header: ResultHeader | ErrorHeader, data: Buffer, offset: number): { result: JobResult; end: number } {
  if (typeof header?.jobId !== 'string') throw new MalformedEntryError('reply header lacks jobId');
  if (!header.ok) return { result: header, end: offset };
  if (!Array.isArray(header.outputs)) throw new MalformedEntryError('reply header lacks outputs');
  let end = offset;
  for (const m of header.outputs) end += m.byteLength;
  if (end > data.byteLength) throw new MalformedEntryError(`reply of job ${header.jobId} overruns the data field`);
  return { result: { ...header, outputs: unpackTensors(header.outputs, data.subarray(offset, end)) }, end };
}

function parseJson<T>(raw: Buffer, what: string): T {
  try {
    return JSON.parse(raw.toString('utf8')) as T;
  } catch (err) {
    throw new MalformedEntryError(`${what} is not JSON: ${(err as Error).message}`);
  }
}

/** Decodes a reply entry's fields (a single reply). */
export function decodeResult(fields: readonly Buffer[]): JobResult {
  return singleResult(fieldMap(fields));
}

function singleResult(map: ReadonlyMap<string, Buffer>): JobResult {
  const rawHeader = map.get(FIELD_HEADER);
  if (!rawHeader) throw new MalformedEntryError('reply entry without a header field');
  const data = map.get(FIELD_DATA) ?? NO_DATA;
  const { result, end } = resultFrom(parseJson<ResultHeader | ErrorHeader>(rawHeader, 'reply header'), data, 0);
  if (end !== data.byteLength) throw new MalformedEntryError(`data field has ${data.byteLength - end} bytes no tensor claims`);
  return result;
}

/** Decodes a reply entry's fields into every result it carries: one for a single reply, several for a batch reply. */
export function decodeResults(fields: readonly Buffer[]): JobResult[] {
  const map = fieldMap(fields);
  const rawBatch = map.get(FIELD_BATCH_HEADER);
  if (!rawBatch) return [singleResult(map)];
  const headers = parseJson<Array<ResultHeader | ErrorHeader>>(rawBatch, 'batch reply header');
  if (!Array.isArray(headers)) throw new MalformedEntryError('batch reply header is not an array');
  const data = map.get(FIELD_DATA) ?? NO_DATA;
  let offset = 0;
  const results = headers.map((h) => {
    const { result, end } = resultFrom(h, data, offset);
    offset = end;
    return result;
  });
  if (offset !== data.byteLength) throw new MalformedEntryError(`data field has ${data.byteLength - offset} bytes no result claims`);
  return results;
}
