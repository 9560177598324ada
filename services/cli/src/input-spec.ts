import * as fs from 'node:fs';
import * as path from 'node:path';
import { valuesToData, isDatatype, type Datatype, type TensorData } from '@maas/tensor';
import { CliError } from './cli-error';

/** A tensor ready to send: typed data of its datatype (BYTES as Buffers or strings). */
export interface InputTensor {
  name: string;
  datatype: Datatype;
  shape: number[];
  data: TensorData;
}

/** Shape of a nested JSON array ([[1,2],[3,4]] → [2,2]); refuses ragged arrays. */
export function shapeOf(value: unknown, where: string): number[] {
  if (!Array.isArray(value)) return [];
  const inner = value.map((v) => JSON.stringify(shapeOf(v, where)));
  if (new Set(inner).size > 1) throw new CliError(`${where}: ragged array: every row must have the same length`);
  return [value.length, ...(value.length > 0 ? shapeOf(value[0], where) : [])];
}

function tensorFromValues(name: string, datatype: string, shape: number[], values: unknown[]): InputTensor {
  if (!isDatatype(datatype)) throw new CliError(`input ${name}: unknown datatype ${datatype} (FP32, FP64, INT64, INT32, UINT8, BOOL, BYTES ...)`);
  try {
    return { name, datatype, shape, data: valuesToData(name, datatype, values) };
  } catch (err) {
    throw new CliError(`input ${name}: ${(err as Error).message}`);
  }
}

/**
 * Parses one `--input` value:
 *   NAME=@file.json     {"datatype": "FP32", "shape": [1,4], "data": [...]} or a nested array (FP32)
 *   NAME=[[1,2,3,4]]    an inline nested array (datatype from --datatype, default FP32)
 *   NAME=@image.png     any other file: one BYTES element holding the file (images for pipelines)
 *   NAME=text:hello     one BYTES element holding the text
 */
export function parseInput(spec: string, defaultDatatype = 'FP32'): InputTensor {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new CliError(`--input "${spec}": expected NAME=@file.json, NAME=[...], NAME=@file.png or NAME=text:...`);
  const name = spec.slice(0, eq);
  const value = spec.slice(eq + 1);
  if (value.startsWith('text:')) return tensorFromValues(name, 'BYTES', [1], [value.slice(5)]);
  if (value.startsWith('@')) {
    const file = value.slice(1);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (err) {
      throw new CliError(`input ${name}: cannot read ${file}: ${(err as Error).message}`);
    }
    if (path.extname(file).toLowerCase() !== '.json') return tensorFromValues(name, 'BYTES', [1], [bytes]);
    return fromJson(name, bytes.toString('utf8'), defaultDatatype, file);
  }
  return fromJson(name, value, defaultDatatype, 'the command line');
}

function fromJson(name: string, text: string, defaultDatatype: string, where: string): InputTensor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new CliError(`input ${name}: ${where} is not valid JSON: ${(err as Error).message}`);
  }
  if (Array.isArray(parsed)) return tensorFromValues(name, defaultDatatype, shapeOf(parsed, `input ${name}`), parsed.flat(Infinity));
  if (parsed !== null && typeof parsed === 'object' && Array.isArray((parsed as { data?: unknown }).data)) {
    const t = parsed as { datatype?: string; shape?: number[]; data: unknown[] };
    const shape = t.shape ?? shapeOf(t.data, `input ${name}`);
    return tensorFromValues(name, t.datatype ?? defaultDatatype, shape, t.data.flat(Infinity));
  }
  throw new CliError(`input ${name}: expected a nested array or {"datatype", "shape", "data"} in ${where}`);
}
